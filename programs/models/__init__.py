"""The programs app's models, split by topic; import them from here."""
from .imports import ImportFormat, ImportJob, ImportStatus  # noqa: F401
from .measures import (  # noqa: F401
    Direction,
    DisaggregationCategory,
    Frequency,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementDisaggregation,
    MeasurementStatus,
    MoeKind,
    Target,
)
from .oversight import (  # noqa: F401
    CountryPriorityTier,
    CrisisEvent,
    DonorEngagement,
    PlanningCycle,
    ProgramReview,
    ReviewDecision,
    Vetting,
    VettingStatus,
)
from .planning import (  # noqa: F401
    RUNNING_STATUSES,
    Funding,
    Objective,
    Program,
    ProgramStatus,
    Strategy,
    StrategyScope,
)
from .reference import (  # noqa: F401
    Agency,
    Country,
    DonorKind,
    Goal,
    ImplementingPartner,
    ImplementingPartnerKind,
    InstitutionLevel,
    InstitutionNature,
    InstitutionType,
    VETTING_EXEMPT_INSTITUTION_TYPES,
    Office,
    OtherDonor,
    PartnerInstitution,
    PriorityTier,
    Purpose,
    Region,
    RegionalOrganization,
    RegionScheme,
    Sector,
    User,
)
