"""Programs and their funding: the read shape (built by api.program_rows) and write inputs."""
from decimal import Decimal

from rest_framework import serializers

from infrastructure.models import RationaleCategory
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from programs.models import (
    Agency,
    Country,
    Goal,
    ImplementingPartner,
    Objective,
    PartnerInstitution,
    ProgramStatus,
    Purpose,
    Sector,
)
from programs.services.programs import TRANSITIONS

from .fields import DecimalNumber, IdList, RowId, Text, VersionField, WholeNumber

MONEY = {"max_digits": 16, "decimal_places": 2}


class FundingSerializer(serializers.Serializer):
    fiscal_year = WholeNumber(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    planned = DecimalNumber(**MONEY, min_value=Decimal("0"), help_text="USD")
    obligated = DecimalNumber(**MONEY, min_value=Decimal("0"), help_text="USD")
    disbursed = DecimalNumber(**MONEY, min_value=Decimal("0"), help_text="USD")
    version = WholeNumber(read_only=True)


class CountryRefSerializer(serializers.Serializer):
    id = WholeNumber()
    iso3 = serializers.CharField()


class GoalRefSerializer(serializers.Serializer):
    id = WholeNumber()
    code = serializers.CharField()


class SectorRefSerializer(serializers.Serializer):
    id = WholeNumber()
    dac_code = serializers.CharField()


class ProgramSerializer(serializers.Serializer):
    """A program as the API returns it (list and detail); money in USD as decimal strings."""

    id = WholeNumber()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    lead_agency = WholeNumber()
    lead_agency_code = serializers.CharField()
    supporting_agencies = serializers.ListField(child=WholeNumber())
    countries = CountryRefSerializer(many=True)
    partner_institutions = serializers.ListField(child=WholeNumber())
    goals = GoalRefSerializer(many=True)
    objectives = serializers.ListField(child=WholeNumber())
    sectors = SectorRefSerializer(many=True)
    implementing_partners = serializers.ListField(child=WholeNumber())
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    funding_authority = serializers.CharField(allow_blank=True)
    start_fy = WholeNumber()
    end_fy = WholeNumber()
    status = serializers.ChoiceField(choices=ProgramStatus.choices)
    status_changed_at = serializers.DateTimeField(allow_null=True)
    is_surge = serializers.BooleanField()
    long_term_objective = WholeNumber(allow_null=True)
    sustainment_plan = serializers.CharField(allow_blank=True)
    total_planned = DecimalNumber(max_digits=18, decimal_places=2)
    total_obligated = DecimalNumber(max_digits=18, decimal_places=2)
    total_disbursed = DecimalNumber(max_digits=18, decimal_places=2)
    funding = FundingSerializer(many=True)
    version = WholeNumber(help_text="Send it back with an update; a stale one gets 409.")
    archived_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RationaleMixin(serializers.Serializer):
    rationale_category = serializers.ChoiceField(
        choices=RationaleCategory.choices, required=False, allow_blank=True,
        help_text="Required when changing approved data (any status past 'proposed').",
    )
    rationale = Text(multiline=True, required=False, allow_blank=True, max_length=2000)


class ProgramWriteSerializer(RationaleMixin):
    """Create (POST) or update (PATCH, with ``version``) a program, its memberships and funding."""

    code = Text(max_length=40)
    title = Text(max_length=300)
    description = Text(multiline=True, required=False, allow_blank=True, max_length=20000)
    lead_agency = RowId(queryset=Agency.objects.all())
    supporting_agencies = IdList(model=Agency, required=False, help_text="Not the lead agency.")
    countries = IdList(model=Country, min_length=1)
    partner_institutions = IdList(model=PartnerInstitution, required=False)
    goals = IdList(model=Goal, required=False)
    objectives = IdList(model=Objective, required=False)
    sectors = IdList(model=Sector, required=False)
    implementing_partners = IdList(model=ImplementingPartner, required=False)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    funding_authority = Text(required=False, allow_blank=True, max_length=200)
    start_fy = WholeNumber(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    end_fy = WholeNumber(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR,
                                      help_text="Not before start_fy.")
    is_surge = serializers.BooleanField(required=False)
    long_term_objective = RowId(
        queryset=Objective.objects.all(), required=False, allow_null=True
    )
    sustainment_plan = Text(multiline=True, required=False, allow_blank=True, max_length=20000)
    funding = FundingSerializer(many=True, required=False, max_length=200)
    version = VersionField(
        help_text="The version you read; required for updates (missing or stale: 409, nothing saved).",
    )

    def service_kwargs(self) -> dict:
        """Split validated input into the service's data / funding / version / rationale."""
        data = dict(self.validated_data)
        funding = data.pop("funding", None)
        return {
            "data": data,
            "funding": [dict(row) for row in funding] if funding is not None else None,
            "version": data.pop("version", None),
            "rationale_category": data.pop("rationale_category", ""),
            "rationale": data.pop("rationale", ""),
        }


class FundingWriteSerializer(FundingSerializer, RationaleMixin):
    version = VersionField(
        help_text="The version of this year's funding row you read; omit (or 0) when adding a new year. "
        "Missing or stale over an existing row: 409, nothing saved.",
    )


class ProgramTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in TRANSITIONS])
    reason = Text(multiline=True, max_length=2000)
    version = VersionField(help_text="The version you read (missing or stale: 409, nothing saved).")
