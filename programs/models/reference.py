"""Reference data: regions, countries, organisations, agencies, goals, sectors, actors."""
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import Archivable, TimeStamped, Versioned, history
from infrastructure.sorting import by_name


class RegionScheme(models.TextChoices):
    STATE_BUREAU = "state_bureau", "State Department regional bureau"
    COMBATANT_COMMAND = "combatant_command", "DoD geographic combatant command"


class Region(TimeStamped):
    scheme = models.CharField(max_length=20, choices=RegionScheme.choices)
    code = models.CharField(max_length=12)
    name = models.CharField(max_length=120)
    history = history()

    class Meta:
        ordering = ["scheme", "code"]
        constraints = [
            UniqueConstraint(
                fields=["scheme", "code"], name="region_unique_code_per_scheme", field="code",
                violation_error_message="This scheme already has a region with this code.",
            ),
            choice_constraint(name="region_valid_scheme", field="scheme", choices=RegionScheme, noun="scheme"),
        ]

    def __str__(self) -> str:
        return self.code


class PriorityTier(models.IntegerChoices):
    TIER_1 = 1, "Tier 1 (highest)"
    TIER_2 = 2, "Tier 2"
    TIER_3 = 3, "Tier 3"
    TIER_4 = 4, "Tier 4"


class Country(TimeStamped):
    """A partner nation, from ISO 3166 (pycountry), with one region of each scheme."""

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, blank=True)
    name = models.CharField(max_length=120)
    state_bureau = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="bureau_countries",
        limit_choices_to={"scheme": RegionScheme.STATE_BUREAU},
    )
    combatant_command = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="command_countries",
        limit_choices_to={"scheme": RegionScheme.COMBATANT_COMMAND},
    )
    priority_tier = models.PositiveSmallIntegerField(
        choices=PriorityTier.choices, null=True, blank=True
    )
    history = history()

    class Meta:
        ordering = [by_name("name")]  # accents ignored (infrastructure.sorting)
        verbose_name_plural = "countries"
        constraints = [
            CheckConstraint(
                condition=models.Q(priority_tier__isnull=True)
                | models.Q(priority_tier__gte=1, priority_tier__lte=4),
                name="country_tier_1_to_4", field="priority_tier",
                violation_error_message="The priority tier is 1, 2, 3 or 4 (or none).",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegionalOrganization(TimeStamped):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Country, related_name="regional_organizations", blank=True)
    history = history()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Agency(TimeStamped):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    history = history()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.code


class Office(TimeStamped):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="offices")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    history = history()

    class Meta:
        ordering = ["agency__code", "code"]
        constraints = [
            UniqueConstraint(
                fields=["agency", "code"], name="office_unique_code_per_agency", field="code",
                violation_error_message="This agency already has an office with this code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.code}"


class User(AbstractUser):
    """A portal user; analysts edit only their own agency's records."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Who changed whose agency or status; password hashes and sign-in times stay out.
    history = history(excluded_fields=["password", "last_login"])


class Goal(TimeStamped):
    """The policy's four principal goals (code "1".."4") and their sub-goals ("1.a")."""

    code = models.CharField(max_length=8, unique=True)
    title = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subgoals"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = history()

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Purpose(models.TextChoices):
    """The three purposes of security sector assistance in the policy's definition."""

    ENGAGE = "engage", "Engage: shape partner policies and actions"
    BUILD_CAPACITY = "build_capacity", "Build and sustain capacity of legitimate institutions"
    ENABLE = "enable", "Enable partners to address common security challenges"


class Sector(TimeStamped):
    """An OECD DAC purpose code used for security and justice work."""

    dac_code = models.CharField("DAC code", max_length=5, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=5, help_text="DAC 3-digit category, e.g. 152")
    history = history()

    class Meta:
        ordering = ["dac_code"]

    def __str__(self) -> str:
        return f"{self.dac_code} {self.name}"


class InstitutionType(models.TextChoices):
    """Security sector actors as listed in the policy's definition."""

    SECURITY_PROVIDER = "security_provider", "State security and law enforcement provider"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Security and justice management and oversight body"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    BORDER_CUSTOMS_EMERGENCY = "border_customs_emergency", "Border management, customs or civil emergency institution"
    NON_STATE_PROVIDER = "non_state_provider", "Non-state justice and security provider"
    INTERNATIONAL_ORGANIZATION = "international_organization", "International organization"


# Human-rights (Leahy) vetting concerns units that are trained or equipped: every actor
# type but civil society and international organizations.
VETTING_EXEMPT_INSTITUTION_TYPES = (InstitutionType.CIVIL_SOCIETY, InstitutionType.INTERNATIONAL_ORGANIZATION)


class InstitutionNature(models.TextChoices):
    MILITARY = "military", "Military"
    CIVILIAN = "civilian", "Civilian"


class InstitutionLevel(models.TextChoices):
    INTERNATIONAL = "international", "International"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    SUB_NATIONAL = "sub_national", "Sub-national"


class PartnerInstitution(TimeStamped, Archivable, Versioned):
    """A security-sector actor in a partner country (a unit that may need vetting)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="institutions")
    name = models.CharField(max_length=250)
    institution_type = models.CharField(max_length=32, choices=InstitutionType.choices)
    nature = models.CharField(max_length=10, choices=InstitutionNature.choices)
    level = models.CharField(max_length=16, choices=InstitutionLevel.choices)
    history = history()

    class Meta:
        ordering = [by_name("country__name"), by_name("name")]
        constraints = [
            UniqueConstraint(
                fields=["country", "name"], name="institution_unique_name_per_country", field="name",
                violation_error_message="This country already has a partner institution with this name.",
            ),
            choice_constraint(
                name="institution_valid_type", field="institution_type", choices=InstitutionType, noun="type"
            ),
            choice_constraint(name="institution_valid_nature", field="nature", choices=InstitutionNature, noun="nature"),
            choice_constraint(name="institution_valid_level", field="level", choices=InstitutionLevel, noun="level"),
        ]

    def __str__(self) -> str:
        return self.name


class ImplementingPartnerKind(models.TextChoices):
    CONTRACTOR = "contractor", "Contractor"
    NGO = "ngo", "Non-governmental organization"
    PARTNER_GOVERNMENT = "partner_government", "Partner-government unit"
    INTERNATIONAL_ORGANIZATION = "international_organization", "International organization"


class ImplementingPartner(TimeStamped, Archivable, Versioned):
    name = models.CharField(max_length=250, unique=True)
    kind = models.CharField(max_length=32, choices=ImplementingPartnerKind.choices)
    history = history()

    class Meta:
        ordering = ["name"]
        constraints = [
            choice_constraint(
                name="implementing_partner_valid_kind", field="kind", choices=ImplementingPartnerKind, noun="kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DonorKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"


class OtherDonor(TimeStamped):
    name = models.CharField(max_length=250, unique=True)
    kind = models.CharField(max_length=16, choices=DonorKind.choices)
    history = history()

    class Meta:
        ordering = ["name"]
        constraints = [
            choice_constraint(name="donor_valid_kind", field="kind", choices=DonorKind, noun="kind"),
        ]

    def __str__(self) -> str:
        return self.name


TIER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
