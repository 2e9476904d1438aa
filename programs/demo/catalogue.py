"""The vocabulary the demo and benchmark portfolios are drawn from.

Plain data only: partner countries with their priority tiers, program themes (titles,
descriptions, goals, DAC sectors, lead agencies, partner institutions, MOEs), implementing
partners and other donors. Names of real organisations are used for realism; the
programs, amounts and results built from them are invented.
"""
from __future__ import annotations

from dataclasses import dataclass

# Partner countries of the demo portfolio, ISO 3166 alpha-3 -> priority tier (1 highest).
# Listed by State bureau; together they cover all six bureaus and all six combatant
# commands (NEA splits between CENTCOM and AFRICOM, SCA between CENTCOM and INDOPACOM,
# WHA between SOUTHCOM and NORTHCOM).
DEMO_COUNTRY_TIERS: dict[str, int] = {
    # AF / AFRICOM
    "KEN": 1, "NGA": 1, "SOM": 1, "NER": 2, "GHA": 2, "MOZ": 2, "CIV": 3, "SEN": 3,
    "UGA": 3, "BEN": 3, "TCD": 4,
    # NEA / CENTCOM + AFRICOM
    "JOR": 1, "IRQ": 1, "LBN": 2, "EGY": 2, "TUN": 2, "MAR": 3, "LBY": 3,
    # SCA / CENTCOM + INDOPACOM
    "BGD": 2, "IND": 2, "KAZ": 3, "UZB": 3, "LKA": 3, "NPL": 4,
    # EAP / INDOPACOM
    "PHL": 1, "IDN": 2, "VNM": 2, "MYS": 3, "THA": 3, "MNG": 3, "PNG": 4, "FJI": 4,
    # EUR / EUCOM
    "UKR": 1, "GEO": 2, "MDA": 2, "XKX": 3, "BIH": 3, "MKD": 3, "ARM": 3, "ALB": 4,
    # WHA / SOUTHCOM + NORTHCOM
    "MEX": 1, "COL": 1, "GTM": 2, "HND": 2, "SLV": 2, "ECU": 2, "HTI": 2, "BHS": 3,
    "PER": 3, "JAM": 3, "DOM": 3,
}

TIER_RATIONALES: dict[int, str] = {
    1: "Tier 1: direct threat to U.S. national security interests and a willing partner; "
       "sustained, multi-agency investment is warranted.",
    2: "Tier 2: important regional security partner with demonstrated absorptive capacity; "
       "targeted investment aligned with the integrated country strategy.",
    3: "Tier 3: relevant to regional stability; assistance limited to areas where the "
       "partner shows political will and other donors are not already engaged.",
    4: "Tier 4: limited U.S. interest at present; engagement-level activities only, "
       "reviewed in the next planning cycle.",
}

# Countries without a coastline: no maritime security programs there.
LANDLOCKED = {
    "NER", "UGA", "TCD", "KAZ", "UZB", "NPL", "MNG", "MDA", "XKX", "MKD", "ARM", "AFG",
    "BFA", "MLI", "CAF", "SSD", "ETH", "RWA", "BDI", "MWI", "ZMB", "ZWE", "BWA", "LSO",
    "SWZ", "BOL", "PRY", "KGZ", "TJK", "TKM", "LAO", "BTN", "SRB", "HUN", "AUT", "CHE",
    "CZE", "SVK", "BLR", "AND", "LIE", "SMR", "VAT", "LUX",
}

# The one open crisis event of the portfolio (on the first tier-1 country of this list
# that is in the portfolio).
CRISIS_COUNTRIES = ("NER", "HTI", "SOM", "KEN")
CRISIS_TITLE = "Suspension of constitutional order after military takeover"
CRISIS_DESCRIPTION = (
    "Members of the presidential guard detained the head of state and suspended the "
    "constitution. U.S. assistance to the security forces is paused pending review under "
    "section 7008; all active programs in the country are under immediate review."
)


@dataclass(frozen=True)
class InstitutionTemplate:
    """A partner institution; ``name`` may contain ``{country}``."""

    name: str
    institution_type: str  # programs.models.InstitutionType value
    nature: str  # military / civilian
    level: str  # international / regional / national / sub_national
    vetted: bool  # a unit that is trained or equipped, hence Leahy-vetted


@dataclass(frozen=True)
class MoeTemplate:
    """An MOE; the value moves from ``baseline`` towards ``target`` over the program.

    For a cumulative MOE the baseline is 0 and the target is the running total by the
    end of the target window. ``ceiling`` caps values of bounded units (percent).
    """

    name: str
    kind: str  # outcome / output
    unit: str
    direction: str  # increase / decrease
    cumulative: bool
    baseline: float
    target: float
    ceiling: float | None = None
    verification: str = ""


@dataclass(frozen=True)
class Theme:
    key: str
    titles: tuple[str, ...]  # may contain {country} / {place}
    description: str  # may contain {place}
    lead_agencies: tuple[str, ...]  # weighted by repetition
    purposes: tuple[str, ...]
    goals: tuple[str, ...]
    sectors: tuple[str, ...]
    institutions: tuple[InstitutionTemplate, ...]
    moes: tuple[MoeTemplate, ...]
    implementers: tuple[str, ...]
    objective: str  # strategy objective this theme serves; may contain {country}
    sustainment: str
    funding_scale: float  # typical annual planned amount, USD millions
    needs_coast: bool = False


_SP, _MO, _CS, _BC, _NS, _IO = (
    "security_provider", "management_oversight", "civil_society",
    "border_customs_emergency", "non_state_provider", "international_organization",
)
_MIL, _CIV = "military", "civilian"
_INTL, _REG, _NAT, _SUB = "international", "regional", "national", "sub_national"


def _moe(name, kind, unit, direction, cumulative, baseline, target, ceiling=None, verification=""):
    return MoeTemplate(name, kind, unit, direction, cumulative, baseline, target, ceiling, verification)


THEMES: tuple[Theme, ...] = (
    Theme(
        key="border",
        titles=("{country} Border Security Enhancement", "Integrated Border Management Support in {country}",
                "{place} Land Border Interdiction Capacity", "Ports of Entry Modernization, {country}"),
        description=("Builds the capacity of {place} border and customs services to detect and interdict "
                     "illicit cross-border flows of people, weapons and narcotics at land ports of entry and "
                     "along green borders, through training, mentoring, and provision of inspection and "
                     "surveillance equipment with a sustainment plan agreed with the partner ministry."),
        lead_agencies=("DHS", "DHS", "DOS", "DOD"),
        purposes=("build_capacity", "build_capacity", "enable"),
        goals=("1.e", "1.a", "2.c"),
        sectors=("33120", "15136", "15210"),
        institutions=(
            InstitutionTemplate("{country} Border Police", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Customs Authority", _BC, _CIV, _NAT, False),
            InstitutionTemplate("{country} Immigration Service", _BC, _CIV, _NAT, False),
        ),
        moes=(
            _moe("Share of land ports of entry using risk-based targeting", "outcome", "percent", "increase", False, 20, 75, 100,
                 "Partner customs authority port-of-entry audit"),
            _moe("Border officers trained in interdiction techniques", "output", "officers", "increase", True, 0, 600, None,
                 "Training attendance records"),
            _moe("Median inspection time at main crossing", "outcome", "minutes", "decrease", False, 95, 40, None,
                 "Port-of-entry time-release study"),
            _moe("Illicit goods seizures referred for prosecution", "outcome", "cases", "increase", False, 12, 45, None,
                 "Prosecutor's office case log"),
        ),
        implementers=("U.S. Customs and Border Protection (in-house)", "International Organization for Migration", "Tetra Tech"),
        objective="Strengthen control of {country}'s borders and ports of entry against transnational threats",
        sustainment="Partner ministry budgets recurrent maintenance of inspection equipment from FY2028; "
                    "the border training academy takes over instructor certification.",
        funding_scale=4.0,
    ),
    Theme(
        key="maritime",
        titles=("{country} Maritime Security Initiative", "Coastal Surveillance and Interdiction, {country}",
                "{place} Maritime Domain Awareness", "Coast Guard Professionalization in {country}"),
        description=("Improves maritime domain awareness and interdiction capacity of the {place} navy and "
                     "coast guard: coastal radar, patrol-boat maintenance, boarding-team training and an "
                     "information-sharing center linked to regional partners."),
        lead_agencies=("DOD", "DOD", "DHS", "DOS"),
        purposes=("build_capacity", "enable"),
        goals=("1.e", "4.c", "2.b"),
        sectors=("15210", "33120"),
        institutions=(
            InstitutionTemplate("{country} Navy", _SP, _MIL, _NAT, True),
            InstitutionTemplate("{country} Coast Guard", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Maritime Information Sharing Center", _BC, _CIV, _NAT, False),
        ),
        moes=(
            _moe("Patrol vessels operational (fleet availability)", "outcome", "percent", "increase", False, 35, 80, 100,
                 "Fleet maintenance status reports"),
            _moe("Maritime interdictions of illicit cargo", "outcome", "interdictions", "increase", False, 4, 18, None,
                 "Coast guard operations log"),
            _moe("Boarding team members certified", "output", "personnel", "increase", True, 0, 240, None,
                 "Certification records"),
            _moe("Days from detection to interdiction", "outcome", "days", "decrease", False, 9, 2, None,
                 "Maritime operations center data"),
        ),
        implementers=("U.S. Coast Guard International Training Division", "Leidos", "UNODC Global Maritime Crime Programme"),
        objective="Improve {country}'s ability to monitor and control its territorial waters",
        sustainment="Navy takes over patrol-boat maintenance contracts in FY2028 under a cost-sharing agreement.",
        funding_scale=8.0,
        needs_coast=True,
    ),
    Theme(
        key="police",
        titles=("{country} Police Professionalization", "Community Policing and Accountability in {country}",
                "{place} Police Training Academy Support", "Criminal Investigations Capacity, {country}"),
        description=("Supports professionalization of the {place} national police: curriculum reform at the "
                     "police academy, community-policing pilots in priority districts, internal-affairs "
                     "capacity, and forensic investigation skills, with human-rights training for every cohort."),
        lead_agencies=("DOS", "DOS", "DOJ", "DOJ"),
        purposes=("build_capacity",),
        goals=("1.b", "3.a", "3.d"),
        sectors=("15132", "15160"),
        institutions=(
            InstitutionTemplate("{country} National Police", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Police Academy", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Police Internal Affairs Directorate", _MO, _CIV, _NAT, False),
            InstitutionTemplate("Community Policing Forums of {country}", _NS, _CIV, _SUB, False),
        ),
        moes=(
            _moe("Citizens who trust the police (survey)", "outcome", "percent", "increase", False, 38, 60, 100,
                 "Annual public perception survey"),
            _moe("Officers completing the reformed basic curriculum", "output", "officers", "increase", True, 0, 1800, None,
                 "Academy graduation records"),
            _moe("Complaints against police investigated within 90 days", "outcome", "percent", "increase", False, 25, 70, 100,
                 "Internal affairs case management system"),
            _moe("Reported excessive-force incidents", "outcome", "incidents", "decrease", False, 60, 25, None,
                 "Ombudsman and internal affairs reports"),
        ),
        implementers=("DOJ ICITAP (in-house)", "DAI Global", "Geneva Centre for Security Sector Governance (DCAF)"),
        objective="Build professional, accountable police that citizens trust in {country}",
        sustainment="Reformed curriculum adopted by ministerial decree; academy instructors certified to teach it without U.S. support.",
        funding_scale=5.0,
    ),
    Theme(
        key="narcotics",
        titles=("{country} Counternarcotics Interdiction", "Drug Supply Reduction Partnership, {country}",
                "{place} Counter-Drug Investigations", "Precursor Chemical Control in {country}"),
        description=("Helps {place} counternarcotics units dismantle trafficking networks: vetted investigative "
                     "units, judicial wiretap capacity, precursor chemical controls, and cooperation with "
                     "regional law-enforcement partners on controlled deliveries."),
        lead_agencies=("DOS", "DOS", "DHS", "DOJ"),
        purposes=("enable", "build_capacity"),
        goals=("2.c", "1.a"),
        sectors=("15132", "15130"),
        institutions=(
            InstitutionTemplate("{country} Anti-Narcotics Agency", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Sensitive Investigative Unit", _SP, _CIV, _NAT, True),
        ),
        moes=(
            _moe("Trafficking organizations dismantled", "outcome", "organizations", "increase", True, 0, 14, None,
                 "Vetted unit case reports"),
            _moe("Cocaine and synthetic drug seizures", "outcome", "kilograms", "increase", False, 900, 2600, None,
                 "National seizure database"),
            _moe("Investigators trained in financial investigations", "output", "investigators", "increase", True, 0, 180, None,
                 "Training records"),
        ),
        implementers=("UNODC", "INL Regional Narcotics Affairs Section (in-house)", "Chemonics International"),
        objective="Reduce the flow of illicit narcotics through {country}",
        sustainment="Vetted unit salaries move onto the national budget over three years (one third per year).",
        funding_scale=6.0,
    ),
    Theme(
        key="peacekeeping",
        titles=("{country} Peacekeeping Capacity Building", "Global Peace Operations Initiative: {country}",
                "{place} Peacekeeper Pre-Deployment Training", "Formed Police Unit Readiness, {country}"),
        description=("Prepares {place} battalions and formed police units for deployment to UN and African Union "
                     "peace operations: pre-deployment training, contingent-owned equipment, protection-of-"
                     "civilians and conduct-and-discipline modules, and a national peacekeeping training center."),
        lead_agencies=("DOS", "DOS", "DOD"),
        purposes=("build_capacity", "enable"),
        goals=("4.a", "2.e"),
        sectors=("15230",),
        institutions=(
            InstitutionTemplate("{country} Peace Support Training Center", _SP, _MIL, _NAT, True),
            InstitutionTemplate("{country} Army Peacekeeping Battalion", _SP, _MIL, _NAT, True),
            InstitutionTemplate("United Nations Department of Peace Operations", _IO, _CIV, _INTL, False),
        ),
        moes=(
            _moe("Units meeting UN readiness standards at deployment", "outcome", "percent", "increase", False, 40, 90, 100,
                 "UN pre-deployment visit reports"),
            _moe("Peacekeepers trained before deployment", "output", "personnel", "increase", True, 0, 2400, None,
                 "Training center records"),
            _moe("Conduct and discipline allegations per 1,000 deployed", "outcome", "allegations per 1,000", "decrease", False, 3.2, 0.8, None,
                 "UN Conduct and Discipline Service data"),
        ),
        implementers=("PAE Government Services", "African Union Peace Support Operations Division", "DOD Defense Institute of International Legal Studies"),
        objective="Increase {country}'s contribution of capable, disciplined units to peace operations",
        sustainment="National training center runs pre-deployment courses with its own instructors from FY2028.",
        funding_scale=7.0,
    ),
    Theme(
        key="justice",
        titles=("{country} Justice Sector Reform", "Rule of Law and Prosecutorial Capacity in {country}",
                "{place} Court Case Management Modernization", "Access to Justice and Pre-Trial Detention, {country}"),
        description=("Supports {place} justice institutions to deliver fair and timely justice: case management "
                     "systems in pilot courts, prosecutor mentoring on complex crime, legal aid for pre-trial "
                     "detainees, and judicial inspection to counter corruption."),
        lead_agencies=("DOJ", "DOJ", "USAID", "DOS"),
        purposes=("build_capacity", "engage"),
        goals=("3.b", "3.c", "1.b"),
        sectors=("15130", "15134", "15137"),
        institutions=(
            InstitutionTemplate("{country} Ministry of Justice", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Office of the Prosecutor General", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} High Judicial Council", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Bar Association Legal Aid Network", _CS, _CIV, _NAT, False),
        ),
        moes=(
            _moe("Pre-trial detainees as share of prison population", "outcome", "percent", "decrease", False, 62, 40, 100,
                 "Prison administration census"),
            _moe("Case clearance rate in pilot courts", "outcome", "percent", "increase", False, 55, 90, 100,
                 "Court case management system"),
            _moe("Prosecutors mentored on complex cases", "output", "prosecutors", "increase", True, 0, 220, None,
                 "OPDAT mentoring logs"),
            _moe("Average days from indictment to verdict", "outcome", "days", "decrease", False, 410, 240, None,
                 "Court case management system"),
        ),
        implementers=("DOJ OPDAT (in-house)", "American Bar Association Rule of Law Initiative", "International Development Law Organization"),
        objective="Deliver fair, timely and accountable justice in {country}",
        sustainment="Case management system licenses and hosting transferred to the judicial council budget.",
        funding_scale=3.5,
    ),
    Theme(
        key="military",
        titles=("{country} Military Professionalization", "Defense Institution Building, {country}",
                "{place} Non-Commissioned Officer Development", "Professional Military Education Partnership with {country}"),
        description=("Strengthens the {place} armed forces as an accountable, professional institution: "
                     "non-commissioned officer corps development, professional military education exchanges "
                     "(IMET), logistics and resource management, and law-of-armed-conflict training."),
        lead_agencies=("DOD", "DOD", "DOS"),
        purposes=("build_capacity", "engage"),
        goals=("1.c", "2.b", "3.a"),
        sectors=("15210",),
        institutions=(
            InstitutionTemplate("{country} Ministry of Defense", _MO, _MIL, _NAT, False),
            InstitutionTemplate("{country} Armed Forces", _SP, _MIL, _NAT, True),
            InstitutionTemplate("{country} Defense Staff College", _SP, _MIL, _NAT, True),
        ),
        moes=(
            _moe("IMET graduates in key command and staff positions", "outcome", "percent", "increase", False, 15, 45, 100,
                 "Embassy security cooperation office tracking"),
            _moe("Non-commissioned officers completing leadership courses", "output", "NCOs", "increase", True, 0, 900, None,
                 "Course completion records"),
            _moe("Units passing logistics readiness inspection", "outcome", "percent", "increase", False, 30, 70, 100,
                 "Inspector general reports"),
        ),
        implementers=("Defense Institution Reform Initiative (in-house)", "Naval Postgraduate School Institute for Security Governance", "Booz Allen Hamilton"),
        objective="Build professional, accountable armed forces under civilian control in {country}",
        sustainment="Staff college integrates the NCO curriculum into its permanent program of instruction.",
        funding_scale=9.0,
    ),
    Theme(
        key="counterterrorism",
        titles=("{country} Counterterrorism Partnership", "Countering Violent Extremism and CT Investigations, {country}",
                "{place} Counterterrorism Finance Investigations", "Crisis Response Team Development, {country}"),
        description=("Builds the capacity of {place} law enforcement and justice institutions to prevent, "
                     "investigate and prosecute terrorism within the rule of law: crisis-response teams, "
                     "terrorist-financing investigations, prison de-radicalization and border watch-listing."),
        lead_agencies=("DOS", "DOS", "DOD", "DOJ", "TREAS"),
        purposes=("enable", "build_capacity"),
        goals=("1.a", "2.c", "2.d"),
        sectors=("15210", "15132", "15113"),
        institutions=(
            InstitutionTemplate("{country} Counterterrorism Police Unit", _SP, _CIV, _NAT, True),
            InstitutionTemplate("{country} Financial Intelligence Unit", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Special Operations Command", _SP, _MIL, _NAT, True),
        ),
        moes=(
            _moe("Terrorism cases prosecuted to verdict", "outcome", "cases", "increase", False, 6, 24, None,
                 "Prosecutor's office records"),
            _moe("Crisis-response team members certified", "output", "officers", "increase", True, 0, 160, None,
                 "Certification records"),
            _moe("Suspicious transaction reports analyzed within 30 days", "outcome", "percent", "increase", False, 30, 80, 100,
                 "Financial intelligence unit statistics"),
        ),
        implementers=("DS/ATA Antiterrorism Assistance (in-house)", "Global Center on Cooperative Security", "Treasury Office of Technical Assistance advisors"),
        objective="Prevent and respond to terrorist attacks within the rule of law in {country}",
        sustainment="Crisis-response teams funded in the interior ministry's FY2028 budget; train-the-trainer cadre in place.",
        funding_scale=6.0,
    ),
    Theme(
        key="demining",
        titles=("{country} Humanitarian Mine Action", "Conventional Weapons Destruction in {country}",
                "{place} Explosive Ordnance Clearance", "Physical Security and Stockpile Management, {country}"),
        description=("Clears landmines and explosive remnants of war in {place}, destroys excess and unsecured "
                     "small arms, light weapons and munitions, and builds the national mine action authority's "
                     "capacity to plan, quality-assure and report clearance."),
        lead_agencies=("DOS", "DOS", "DOD"),
        purposes=("build_capacity", "enable"),
        goals=("1.b", "2.d"),
        sectors=("15250", "15240"),
        institutions=(
            InstitutionTemplate("{country} National Mine Action Authority", _BC, _CIV, _NAT, False),
            InstitutionTemplate("{country} Army Engineer Corps", _SP, _MIL, _NAT, True),
            InstitutionTemplate("United Nations Mine Action Service", _IO, _CIV, _INTL, False),
        ),
        moes=(
            _moe("Land released to communities", "outcome", "square kilometers", "increase", True, 0, 48, None,
                 "IMSMA database, quality-assured"),
            _moe("Mine and ERW casualties", "outcome", "casualties", "decrease", False, 44, 12, None,
                 "National casualty surveillance"),
            _moe("Excess weapons and munitions destroyed", "output", "metric tons", "increase", True, 0, 350, None,
                 "Destruction certificates"),
        ),
        implementers=("The HALO Trust", "Mines Advisory Group", "Norwegian People's Aid"),
        objective="Reduce the threat of explosive remnants of war and illicit small arms in {country}",
        sustainment="National mine action authority takes over quality assurance and the national database.",
        funding_scale=3.0,
    ),
    Theme(
        key="civil_military",
        titles=("{country} Civil-Military Relations", "Security Sector Governance and Oversight in {country}",
                "{place} Parliamentary Oversight of the Security Sector", "Defense Budget Transparency, {country}"),
        description=("Strengthens democratic civilian oversight of the {place} security sector: parliamentary "
                     "defense and security committees, ombudsman and inspector-general functions, defense budget "
                     "transparency, and civil-society monitoring of security-force conduct."),
        lead_agencies=("USAID", "USAID", "DOD", "DOS"),
        purposes=("engage", "build_capacity"),
        goals=("3.a", "3.d", "3.b"),
        sectors=("15210", "15150", "15135"),
        institutions=(
            InstitutionTemplate("{country} Parliamentary Defense and Security Committee", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Office of the Ombudsman", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Security Sector Watch Coalition", _CS, _CIV, _NAT, False),
        ),
        moes=(
            _moe("Defense budget lines published with line-item detail", "outcome", "percent", "increase", False, 20, 70, 100,
                 "Published budget documents"),
            _moe("Oversight hearings held with security-sector officials", "output", "hearings", "increase", False, 2, 8, None,
                 "Parliamentary records"),
            _moe("Ombudsman complaints on security forces resolved", "outcome", "percent", "increase", False, 35, 75, 100,
                 "Ombudsman annual report"),
        ),
        implementers=("National Democratic Institute", "Geneva Centre for Security Sector Governance (DCAF)", "Search for Common Ground"),
        objective="Strengthen democratic civilian oversight of the security sector in {country}",
        sustainment="Committee staff positions created in the parliamentary secretariat's establishment.",
        funding_scale=2.0,
    ),
    Theme(
        key="nonproliferation",
        titles=("{country} Export Control and Related Border Security", "Strategic Trade Controls Partnership, {country}",
                "{place} Radiation Detection at Ports", "Countering WMD Smuggling in {country}"),
        description=("Helps {place} establish effective strategic trade controls and detect nuclear and "
                     "radiological material at borders: licensing and enforcement training, radiation portal "
                     "monitors, commodity identification and prosecution of export-control violations."),
        lead_agencies=("DOS", "DOE", "DOC", "DHS"),
        purposes=("build_capacity", "enable"),
        goals=("2.d", "1.e"),
        sectors=("33120", "15210"),
        institutions=(
            InstitutionTemplate("{country} Customs Authority", _BC, _CIV, _NAT, False),
            InstitutionTemplate("{country} Strategic Trade Licensing Office", _MO, _CIV, _NAT, False),
            InstitutionTemplate("{country} Nuclear Regulatory Authority", _MO, _CIV, _NAT, False),
        ),
        moes=(
            _moe("Ports of entry with working radiation detection", "outcome", "ports", "increase", False, 2, 9, None,
                 "Equipment status reports"),
            _moe("Licensing and enforcement officials trained", "output", "officials", "increase", True, 0, 300, None,
                 "Training records"),
            _moe("Dual-use license decisions within 30 days", "outcome", "percent", "increase", False, 40, 85, 100,
                 "Licensing office statistics"),
        ),
        implementers=("NNSA International Nuclear Security (in-house)", "Commerce BIS Export Control Officers", "University of Georgia CITS"),
        objective="Prevent the proliferation of weapons of mass destruction through {country}",
        sustainment="Customs assumes maintenance of radiation portal monitors under a signed sustainment agreement.",
        funding_scale=2.5,
    ),
)

THEME_WEIGHTS: dict[str, int] = {
    "border": 14, "maritime": 9, "police": 14, "narcotics": 8, "peacekeeping": 7, "justice": 12,
    "military": 12, "counterterrorism": 10, "demining": 5, "civil_military": 6, "nonproliferation": 3,
}

# Agencies that may support a program led by another (the policy's whole-of-government ask).
SUPPORTING_AGENCIES = ("DOS", "DOD", "DOJ", "DHS", "USAID", "TREAS")

FUNDING_AUTHORITIES: dict[str, tuple[str, ...]] = {
    "DOS": ("INCLE", "FMF", "IMET", "NADR", "PKO"),
    "DOD": ("10 U.S.C. 333", "10 U.S.C. 332", "10 U.S.C. 321", "FMF (DSCA-implemented)"),
    "DOJ": ("INCLE (interagency agreement)",),
    "DHS": ("NADR-EXBS (interagency agreement)", "INCLE (interagency agreement)"),
    "USAID": ("ESF", "Development Assistance"),
    "TREAS": ("Treasury OTA appropriation",),
    "DOE": ("NNSA Defense Nuclear Nonproliferation",),
    "DOC": ("NADR-EXBS (interagency agreement)",),
}

IMPLEMENTING_PARTNER_KINDS: dict[str, str] = {
    "U.S. Customs and Border Protection (in-house)": "partner_government",
    "International Organization for Migration": "international_organization",
    "Tetra Tech": "contractor",
    "U.S. Coast Guard International Training Division": "partner_government",
    "Leidos": "contractor",
    "UNODC Global Maritime Crime Programme": "international_organization",
    "DOJ ICITAP (in-house)": "partner_government",
    "DAI Global": "contractor",
    "Geneva Centre for Security Sector Governance (DCAF)": "ngo",
    "UNODC": "international_organization",
    "INL Regional Narcotics Affairs Section (in-house)": "partner_government",
    "Chemonics International": "contractor",
    "PAE Government Services": "contractor",
    "African Union Peace Support Operations Division": "international_organization",
    "DOD Defense Institute of International Legal Studies": "partner_government",
    "DOJ OPDAT (in-house)": "partner_government",
    "American Bar Association Rule of Law Initiative": "ngo",
    "International Development Law Organization": "international_organization",
    "Defense Institution Reform Initiative (in-house)": "partner_government",
    "Naval Postgraduate School Institute for Security Governance": "partner_government",
    "Booz Allen Hamilton": "contractor",
    "DS/ATA Antiterrorism Assistance (in-house)": "partner_government",
    "Global Center on Cooperative Security": "ngo",
    "Treasury Office of Technical Assistance advisors": "partner_government",
    "The HALO Trust": "ngo",
    "Mines Advisory Group": "ngo",
    "Norwegian People's Aid": "ngo",
    "National Democratic Institute": "ngo",
    "Search for Common Ground": "ngo",
    "NNSA International Nuclear Security (in-house)": "partner_government",
    "Commerce BIS Export Control Officers": "partner_government",
    "University of Georgia CITS": "contractor",
}

# Other donors: name -> (kind, DAC sectors they typically fund).
OTHER_DONORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "United Kingdom (FCDO)": ("bilateral", ("15210", "15132", "15220", "15250")),
    "European Union": ("multilateral", ("15130", "15210", "33120", "15136")),
    "Germany (Federal Foreign Office / GIZ)": ("bilateral", ("15132", "33120", "15240")),
    "UNDP": ("multilateral", ("15130", "15220", "15160", "15150")),
    "UNODC": ("multilateral", ("15132", "15130", "15137")),
    "Japan (JICA)": ("bilateral", ("33120", "15250", "15132")),
    "Netherlands (Ministry of Foreign Affairs)": ("bilateral", ("15220", "15210", "15160")),
    "Canada (Global Affairs Canada)": ("bilateral", ("15230", "15180", "15132")),
    "World Bank": ("multilateral", ("15130", "15113")),
}

DONOR_ACTIVITIES: dict[str, str] = {
    "15210": "security sector reform advisory support to the ministries of defense and interior",
    "15132": "community policing and police training",
    "15220": "conflict prevention and local peace-building",
    "15250": "humanitarian demining and victim assistance",
    "15130": "rule of law and court administration",
    "33120": "customs modernization and integrated border management",
    "15136": "migration management and immigration service reform",
    "15240": "small arms control and reintegration of ex-combatants",
    "15160": "human rights monitoring and national human rights institution",
    "15150": "civil society oversight of the security sector",
    "15137": "prison management and alternatives to detention",
    "15230": "peacekeeping training centre support",
    "15180": "ending gender-based violence, specialized police units",
    "15113": "anti-corruption agency capacity",
}

MEASUREMENT_SOURCES = (
    "Implementing partner quarterly report",
    "Partner ministry statistics",
    "Embassy monitoring visit",
    "Third-party monitoring report",
)

RETURN_REASONS = (
    "Value does not match the partner's quarterly report; please attach the source table.",
    "Evidence link missing; upload the attendance records.",
    "Cumulative total double-counts the previous quarter; resubmit the quarter's increment.",
)

REVIEW_RATIONALES = {
    "continue": "Program on track against its MOEs; partner commitment confirmed; continue as planned.",
    "restructure": "Results below target in two consecutive quarters; refocus activities on the "
                   "institutions showing political will and reduce the equipment component.",
}

# Titles of regional (multi-country) programs: "<region> <title>".
REGIONAL_TITLES: dict[str, str] = {
    "border": "Cross-Border Security Cooperation",
    "maritime": "Regional Maritime Security Initiative",
    "police": "Regional Police Cooperation and Training",
    "narcotics": "Regional Counternarcotics Partnership",
    "peacekeeping": "Regional Peacekeeping Training Partnership",
    "justice": "Regional Rule of Law and Judicial Cooperation",
    "military": "Regional Defense Professionalization",
    "counterterrorism": "Regional Counterterrorism Partnership",
    "demining": "Regional Conventional Weapons Destruction",
    "civil_military": "Regional Security Sector Governance",
    "nonproliferation": "Regional Export Control Cooperation",
}

BUREAU_LABELS: dict[str, str] = {
    "AF": "Sub-Saharan Africa",
    "NEA": "Middle East and North Africa",
    "SCA": "South and Central Asia",
    "EAP": "East Asia and Pacific",
    "EUR": "Europe and Eurasia",
    "WHA": "Western Hemisphere",
}

VETTED_UNIT_NAMES = ("", "", "Headquarters staff", "1st Battalion", "Training wing", "Rapid response unit",
                     "Special investigations unit")

# Units that count people: MOEs in these units can be broken down by sex.
PEOPLE_UNITS = {"officers", "personnel", "NCOs", "investigators", "prosecutors", "officials"}
