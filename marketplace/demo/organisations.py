"""The schools and trusts of the demo world.

Names are invented; towns, counties, local authorities, postcode districts and coordinates are real,
so maps, distance search and "near me" behave as they would with the school register loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The register's own wording for types and their groups.
ACADEMIES = "Academies"
MAINTAINED = "Local authority maintained schools"
FREE_SCHOOLS = "Free Schools"
COLLEGES = "Colleges"
NO_RELIGIOUS_CHARACTER = "Does not apply"


@dataclass(frozen=True)
class DemoOrganisation:
    """A school (keyed by URN) or a trust (keyed by group UID), with what its adverts say about it."""

    kind: str  # "school" or "trust"
    key: str  # the URN of a school, the group UID of a trust
    name: str
    type_name: str
    type_group: str | None
    street: str
    locality: str | None
    town: str
    county: str
    local_authority: str
    postcode: str
    latitude: float
    longitude: float
    domain: str
    # Completes "<name> is …" at the start of every advert.
    profile: str
    # Where it is and how people get there: closes "what the school offers".
    setting: str
    phase: str | None = None
    religious_character: str | None = NO_RELIGIOUS_CHARACTER
    has_sixth_form: bool = False
    trust_uid: str | None = None
    # For a trust, the phases of its schools, which its trust-wide posts cover.
    phases: tuple[str, ...] = ()
    # "recipe argument @status +flag" (see adverts.parse_opening); the demo school fixes some statuses.
    openings: tuple[str, ...] = field(default=())

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"

    @property
    def in_london(self) -> bool:
        return self.county == "Greater London"


def _trust(uid: str, name: str, **fields) -> DemoOrganisation:
    return DemoOrganisation(
        kind="trust",
        key=uid,
        name=name,
        type_name="Multi-academy trust",
        type_group=None,
        religious_character=None,
        **fields,
    )


def _school(urn: str, name: str, **fields) -> DemoOrganisation:
    return DemoOrganisation(kind="school", key=urn, name=name, **fields)


PENNINE = "16842"
SOUTH_WEST = "17309"
BROADS_AND_FENS = "15527"
THREE_RIVERS = "16210"

DEMO_SCHOOL_URN = "138412"

TRUSTS: tuple[DemoOrganisation, ...] = (
    _trust(
        PENNINE,
        "Pennine Learning Trust",
        street="4 Park Square East",
        locality=None,
        town="Leeds",
        county="West Yorkshire",
        local_authority="Leeds",
        postcode="LS1 2NE",
        latitude=53.7996,
        longitude=-1.5530,
        domain="penninelearning.example.org",
        profile="a multi-academy trust of primary, secondary and all-through academies in Leeds, Sheffield "
        "and York",
        setting="The trust's central team works from offices on Park Square, five minutes' walk from Leeds "
        "station, and spends much of the week in its schools.",
        phases=("primary", "secondary", "through"),
        openings=("director_of_education", "hr_advisor"),
    ),
    _trust(
        SOUTH_WEST,
        "South West Learning Alliance",
        street="2 Temple Back East",
        locality="Temple Quay",
        town="Bristol",
        county="Bristol",
        local_authority="Bristol, City of",
        postcode="BS1 6EG",
        latitude=51.4522,
        longitude=-2.5834,
        domain="swlearningalliance.example.org",
        profile="a growing trust of schools in Bristol, Plymouth and Exeter, founded by headteachers who "
        "wanted their schools to keep their own character while sharing their best people and ideas",
        setting="Our head office is at Temple Quay, next to Bristol Temple Meads station; hybrid working is "
        "normal for central roles.",
        phases=("primary", "secondary", "through"),
        openings=("trust_finance_manager", "service_desk_analyst"),
    ),
    _trust(
        BROADS_AND_FENS,
        "Broads and Fens Education Trust",
        street="Thorpe House, 79 Prince of Wales Road",
        locality=None,
        town="Norwich",
        county="Norfolk",
        local_authority="Norfolk",
        postcode="NR1 1DG",
        latitude=52.6288,
        longitude=1.3023,
        domain="broadsandfens.example.org",
        profile="a trust of primary and secondary academies across Norfolk, Suffolk, Cambridgeshire and "
        "Lincolnshire, including one Church of England school",
        setting="The central team is based near Norwich station, with regular travel to our schools in "
        "Ipswich, Cambridge and Lincoln (mileage is paid).",
        phases=("primary", "secondary"),
        openings=("lead_practitioner Mathematics", "estates_manager"),
    ),
    _trust(
        THREE_RIVERS,
        "Three Rivers Learning Trust",
        street="Milburn House, Dean Street",
        locality=None,
        town="Newcastle upon Tyne",
        county="Tyne and Wear",
        local_authority="Newcastle upon Tyne",
        postcode="NE1 1LE",
        latitude=54.9698,
        longitude=-1.6110,
        domain="threerivers.example.org",
        profile="a trust of schools along the Tyne, the Wear and the Eden, from Newcastle and Durham to "
        "Carlisle",
        setting="Our small central team works from Milburn House on Dean Street, a short walk from Newcastle "
        "Central and the Quayside.",
        phases=("primary", "secondary"),
        openings=("hr_advisor @draft",),
    ),
)

SCHOOLS: tuple[DemoOrganisation, ...] = (
    # Pennine Learning Trust
    _school(
        DEMO_SCHOOL_URN,
        "Kirkstall Valley Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        has_sixth_form=True,
        street="Abbey Walk",
        locality="Kirkstall",
        town="Leeds",
        county="West Yorkshire",
        local_authority="Leeds",
        postcode="LS5 3BT",
        latitude=53.8156,
        longitude=-1.6041,
        domain="kirkstallvalley.example.org",
        trust_uid=PENNINE,
        profile="an oversubscribed 11 to 18 academy of about 1,250 students in north-west Leeds, rated good "
        "in every area at its last inspection",
        setting="We are a ten-minute walk from Kirkstall Forge station (eight minutes to Leeds) and on the "
        "main bus routes along the A65; there is free parking on site.",
        openings=(
            "teacher Mathematics",
            "teacher English",
            "teacher Physics",
            "head_of_department Geography",
            "head_of_year 9",
            "teacher Psychology",
            "cover_supervisor",
            "teacher Spanish @pending_review",
            "it_technician @draft",
            "teacher Chemistry @expired",
        ),
    ),
    _school(
        "141207",
        "Meanwood Beck Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Stonegate Road",
        locality="Meanwood",
        town="Leeds",
        county="West Yorkshire",
        local_authority="Leeds",
        postcode="LS6 4QY",
        latitude=53.8337,
        longitude=-1.5718,
        domain="meanwoodbeck.example.org",
        trust_uid=PENNINE,
        profile="a two-form entry primary academy of 420 children on the edge of Meanwood Valley Park",
        setting="The school backs onto Meanwood Valley Park and is on the number 51 bus route from the city "
        "centre.",
        openings=(
            "class_teacher 3",
            "teaching_assistant",
            "class_teacher 0 +jobshare",
            "school_business_manager",
        ),
    ),
    _school(
        "144620",
        "Loxley Edge Academy",
        phase="through",
        type_name="Academy sponsor led",
        type_group=ACADEMIES,
        street="Dykes Hall Road",
        locality="Hillsborough",
        town="Sheffield",
        county="South Yorkshire",
        local_authority="Sheffield",
        postcode="S6 4HX",
        latitude=53.4042,
        longitude=-1.5004,
        domain="loxleyedge.example.org",
        trust_uid=PENNINE,
        profile="an all-through academy for 1,400 pupils aged 3 to 16 in Hillsborough, on the north-west "
        "side of Sheffield, whose primary and secondary phases share one campus and one set of "
        "expectations",
        setting="Hillsborough is on the Sheffield Supertram network, with the Peak District fifteen minutes' "
        "drive away.",
        openings=("teacher Science", "class_teacher 5", "teacher History", "senco", "site_manager"),
    ),
    _school(
        "142938",
        "Fulford Ings Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Heslington Lane",
        locality="Fulford",
        town="York",
        county="North Yorkshire",
        local_authority="York",
        postcode="YO10 4LE",
        latitude=53.9392,
        longitude=-1.0741,
        domain="fulfordings.example.org",
        trust_uid=PENNINE,
        profile="a one-form entry primary academy of 210 children on the southern edge of York, close to the "
        "university",
        setting="We are a short cycle ride along the riverside path from York city centre, with bike storage "
        "and free parking.",
        openings=("class_teacher 6", "hlta", "deputy_headteacher"),
    ),
    # South West Learning Alliance
    _school(
        "139775",
        "Southville Heights Academy",
        phase="secondary",
        type_name="Academy sponsor led",
        type_group=ACADEMIES,
        street="Dean Lane",
        locality="Southville",
        town="Bristol",
        county="Bristol",
        local_authority="Bristol, City of",
        postcode="BS3 1QG",
        latitude=51.4436,
        longitude=-2.6008,
        domain="southvilleheights.example.org",
        trust_uid=SOUTH_WEST,
        profile="an 11 to 16 academy of 900 students south of the river in Bristol, where improving results "
        "and a rapidly growing roll have followed a complete overhaul of behaviour and the "
        "curriculum",
        setting="We are a short walk from Bristol's harbourside and Bedminster station, with good cycle "
        "routes across the city.",
        openings=(
            "teacher Mathematics +visa",
            "teacher Computing +visa",
            "teacher Drama",
            "head_of_department English",
            "assistant_headteacher Behaviour and attendance",
            "pastoral_manager",
            "exams_officer",
        ),
    ),
    _school(
        "143351",
        "Tamar View Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Bridwell Road",
        locality="St Budeaux",
        town="Plymouth",
        county="Devon",
        local_authority="Plymouth",
        postcode="PL5 1HL",
        latitude=50.4021,
        longitude=-4.1862,
        domain="tamarview.example.org",
        trust_uid=SOUTH_WEST,
        profile="a primary academy of 380 children in St Budeaux, looking out over the Tamar towards "
        "Cornwall",
        setting="St Budeaux has its own railway stations on the Tamar Valley and Cornish lines, and the "
        "school is five minutes from the A38.",
        openings=("class_teacher 1", "subject_leader Physical education", "send_teaching_assistant"),
    ),
    _school(
        "145096",
        "Haven Banks Free School",
        phase="through",
        type_name="Free schools",
        type_group=FREE_SCHOOLS,
        street="Haven Road",
        locality=None,
        town="Exeter",
        county="Devon",
        local_authority="Devon",
        postcode="EX2 8DP",
        latitude=50.7137,
        longitude=-3.5295,
        domain="havenbanks.example.org",
        trust_uid=SOUTH_WEST,
        profile="an all-through free school for 4 to 16 year olds by Exeter's historic quayside, opened in "
        "2017 and now full in every year group",
        setting="We sit beside Exeter Quay and the Exe estuary trail, ten minutes' walk from Exeter St "
        "Thomas station.",
        openings=(
            "teacher Music",
            "teacher Design and technology",
            "class_teacher 2",
            "finance_officer",
            "learning_support_assistant",
        ),
    ),
    # Broads and Fens Education Trust
    _school(
        "140183",
        "Wensum Valley Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        has_sixth_form=True,
        street="Heigham Road",
        locality=None,
        town="Norwich",
        county="Norfolk",
        local_authority="Norfolk",
        postcode="NR2 3AR",
        latitude=52.6334,
        longitude=1.2795,
        domain="wensumvalley.example.org",
        trust_uid=BROADS_AND_FENS,
        profile="a popular 11 to 18 academy of 1,450 students in the west of Norwich, with a sixth form of "
        "300",
        setting="We are fifteen minutes' walk from Norwich city centre, with the Broads and the north "
        "Norfolk coast within easy reach at weekends.",
        openings=(
            "teacher Chemistry",
            "teacher Religious education",
            "teacher Art and design +jobshare",
            "head_of_year 7",
            "science_technician",
            "librarian",
        ),
    ),
    _school(
        "142254",
        "St Felix's Church of England Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        religious_character="Church of England",
        street="Woodbridge Road",
        locality=None,
        town="Ipswich",
        county="Suffolk",
        local_authority="Suffolk",
        postcode="IP4 2NR",
        latitude=52.0611,
        longitude=1.1702,
        domain="stfelixipswich.example.org",
        trust_uid=BROADS_AND_FENS,
        profile="a Church of England primary academy of 315 children in east Ipswich, with a strong "
        "Christian ethos of welcome and service",
        setting="We are a mile from Ipswich town centre, and just over an hour by train from London "
        "Liverpool Street.",
        openings=("headteacher", "class_teacher 4", "cleaner"),
    ),
    _school(
        "146032",
        "Cam Meadows Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Green End Road",
        locality="Chesterton",
        town="Cambridge",
        county="Cambridgeshire",
        local_authority="Cambridgeshire",
        postcode="CB4 1RX",
        latitude=52.2194,
        longitude=0.1395,
        domain="cammeadows.example.org",
        trust_uid=BROADS_AND_FENS,
        profile="a primary academy of 400 children in Chesterton, north Cambridge, with a nursery for "
        "three-year-olds",
        setting="Cambridge North station and the guided busway are both ten minutes away, and the river path "
        "runs past the end of the road.",
        openings=("class_teacher ks1", "eyfs_leader", "teaching_assistant"),
    ),
    _school(
        "141688",
        "Witham Bank Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Wragby Road",
        locality=None,
        town="Lincoln",
        county="Lincolnshire",
        local_authority="Lincolnshire",
        postcode="LN2 4PN",
        latitude=53.2372,
        longitude=-0.5232,
        domain="withambank.example.org",
        trust_uid=BROADS_AND_FENS,
        profile="an 11 to 16 academy of 1,050 students a mile from Lincoln Cathedral",
        setting="We are close to the historic uphill area of Lincoln, with free parking and direct trains to "
        "Newark for London.",
        openings=(
            "teacher Geography",
            "teacher Mathematics",
            "teacher Physical education",
            "attendance_officer",
            "cover_supervisor",
        ),
    ),
    # Three Rivers Learning Trust
    _school(
        "144187",
        "Ouseburn Primary Academy",
        phase="primary",
        type_name="Academy sponsor led",
        type_group=ACADEMIES,
        street="Shields Road",
        locality="Byker",
        town="Newcastle upon Tyne",
        county="Tyne and Wear",
        local_authority="Newcastle upon Tyne",
        postcode="NE6 1LH",
        latitude=54.9745,
        longitude=-1.5823,
        domain="ouseburnprimary.example.org",
        trust_uid=THREE_RIVERS,
        profile="a primary academy of 460 children in Byker, east Newcastle, where a third of pupils speak "
        "English as an additional language",
        setting="Byker Metro station is two minutes from the gate, and the Ouseburn valley's cafes and "
        "galleries are a short walk away.",
        openings=("class_teacher 5", "subject_leader Computing", "kitchen_assistant"),
    ),
    _school(
        "140945",
        "Elvet Riverside Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        has_sixth_form=True,
        street="Hallgarth Street",
        locality="Elvet",
        town="Durham",
        county="County Durham",
        local_authority="County Durham",
        postcode="DH1 3BJ",
        latitude=54.7722,
        longitude=-1.5687,
        domain="elvetriverside.example.org",
        trust_uid=THREE_RIVERS,
        profile="an 11 to 18 academy of 1,300 students in the heart of Durham, within sight of the cathedral",
        setting="Durham station, on the East Coast main line, is fifteen minutes' walk away; Newcastle is "
        "fifteen minutes by train.",
        openings=(
            "teacher English",
            "teacher History",
            "teacher French",
            "head_of_department Mathematics",
            "deputy_headteacher",
            "network_manager",
        ),
    ),
    _school(
        "143812",
        "Citadel Row Primary Academy",
        phase="primary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Lowther Street",
        locality=None,
        town="Carlisle",
        county="Cumbria",
        local_authority="Cumberland",
        postcode="CA1 1HP",
        latitude=54.8937,
        longitude=-2.9313,
        domain="citadelrow.example.org",
        trust_uid=THREE_RIVERS,
        profile="a friendly one-form entry primary academy of 220 children in the centre of Carlisle",
        setting="We are close to Carlisle station, with the Lake District, Hadrian's Wall and the Solway "
        "coast all under an hour away.",
        openings=("class_teacher 3", "teaching_assistant", "school_administrator"),
    ),
    # Schools outside the four trusts
    _school(
        "100248",
        "Clapton Fields Primary School",
        phase="primary",
        type_name="Community school",
        type_group=MAINTAINED,
        street="Northwold Road",
        locality="Upper Clapton",
        town="London",
        county="Greater London",
        local_authority="Hackney",
        postcode="E5 8RN",
        latitude=51.5612,
        longitude=-0.0581,
        domain="claptonfields.example.org",
        profile="a three-form entry community primary school of 630 children in Upper Clapton, Hackney, "
        "celebrated for its music and its partnership with families",
        setting="Clapton and Rectory Road Overground stations are both within ten minutes' walk, and "
        "Springfield Park is on our doorstep.",
        openings=(
            "class_teacher 6 +cover",
            "class_teacher 0",
            "senco",
            "family_support_worker",
            "subject_leader Music",
        ),
    ),
    _school(
        "100752",
        "Our Lady of Hope Catholic High School",
        phase="secondary",
        type_name="Voluntary aided school",
        type_group=MAINTAINED,
        has_sixth_form=True,
        religious_character="Roman Catholic",
        street="Belmont Hill",
        locality="Lee",
        town="London",
        county="Greater London",
        local_authority="Lewisham",
        postcode="SE13 5DW",
        latitude=51.4588,
        longitude=-0.0093,
        domain="ourladyofhope.example.org",
        profile="a Catholic voluntary aided 11 to 18 school of 1,100 students in Lewisham, where faith, "
        "scholarship and service shape every day",
        setting="Lewisham DLR and rail stations are ten minutes' walk away, with fast trains to London "
        "Bridge and Cannon Street.",
        openings=(
            "teacher Religious education",
            "teacher Biology +visa",
            "teacher Mathematics",
            "head_of_sixth_form",
            "assistant_headteacher Teaching and learning",
            "teacher Sociology",
        ),
    ),
    _school(
        "105447",
        "Irwell Bank Nursery School",
        phase="nursery",
        type_name="Local authority nursery school",
        type_group=MAINTAINED,
        street="Royce Road",
        locality="Hulme",
        town="Manchester",
        county="Greater Manchester",
        local_authority="Manchester",
        postcode="M15 5BP",
        latitude=53.4676,
        longitude=-2.2497,
        domain="irwellbank.example.org",
        profile="a maintained nursery school for 120 children aged two to four in Hulme, with a specialist "
        "resource base for children with special educational needs",
        setting="We are a short walk from the Metrolink at Cornbrook and on several bus routes from "
        "Piccadilly.",
        openings=("nursery_teacher", "early_years_practitioner", "family_support_worker"),
    ),
    _school(
        "130420",
        "Irk Valley College",
        phase="sixth_form_or_college",
        type_name="Further education",
        type_group=COLLEGES,
        religious_character=NO_RELIGIOUS_CHARACTER,
        street="Rochdale Road",
        locality="Collyhurst",
        town="Manchester",
        county="Greater Manchester",
        local_authority="Manchester",
        postcode="M4 4JR",
        latitude=53.4964,
        longitude=-2.2255,
        domain="irkvalley.example.ac.uk",
        profile="a general further education college in north Manchester with 6,000 students, from school "
        "leavers on technical courses to adults retraining for new careers",
        setting="Our main campus is on the Metrolink and a short bus ride from Manchester Victoria.",
        openings=(
            "lecturer Engineering",
            "lecturer Health and social care",
            "lecturer Mathematics",
            "lecturer English",
            "curriculum_manager Computing",
            "learning_support_assistant",
            "invigilator",
        ),
    ),
    _school(
        "103472",
        "Moseley Vale Community Primary School",
        phase="primary",
        type_name="Community school",
        type_group=MAINTAINED,
        street="Church Road",
        locality="Moseley",
        town="Birmingham",
        county="West Midlands",
        local_authority="Birmingham",
        postcode="B13 9EH",
        latitude=52.4466,
        longitude=-1.8869,
        domain="moseleyvale.example.org",
        profile="a community primary school of 420 children in Moseley, south Birmingham, where pupils speak "
        "more than thirty languages between them",
        setting="We are on the 50 bus route into the city centre, and the new Moseley Village station is "
        "a five-minute walk away.",
        openings=("class_teacher 2", "class_teacher 4", "hlta", "school_business_manager"),
    ),
    _school(
        "137281",
        "Ladywood Park Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Monument Road",
        locality="Ladywood",
        town="Birmingham",
        county="West Midlands",
        local_authority="Birmingham",
        postcode="B16 8UU",
        latitude=52.4765,
        longitude=-1.9239,
        domain="ladywoodpark.example.org",
        profile="a standalone 11 to 16 academy of 1,200 students a mile west of Birmingham city centre, "
        "whose students make some of the strongest progress in the city",
        setting="We are beside Edgbaston Reservoir, a short bus ride from Birmingham New Street.",
        openings=(
            "teacher Physics +visa",
            "teacher Computing",
            "teacher Business studies",
            "head_of_department Science",
            "head_of_year 11",
            "cover_supervisor",
        ),
    ),
    _school(
        "130781",
        "Lenton Sixth Form College",
        phase="sixth_form_or_college",
        type_name="Sixth form college",
        type_group=COLLEGES,
        street="Derby Road",
        locality="Lenton",
        town="Nottingham",
        county="Nottinghamshire",
        local_authority="Nottingham",
        postcode="NG7 1LT",
        latitude=52.9483,
        longitude=-1.1763,
        domain="lentonsixthform.example.ac.uk",
        profile="a sixth form college of 2,100 students aged 16 to 19 offering more than forty A level and "
        "vocational courses",
        setting="The college is on the tram line between Nottingham city centre and the University of "
        "Nottingham, with free staff parking.",
        openings=(
            "teacher Psychology",
            "teacher Politics",
            "teacher Law",
            "teacher Economics",
            "teacher Media studies",
            "student_welfare_officer",
        ),
    ),
    _school(
        "104617",
        "St Bede's Catholic Primary School",
        phase="primary",
        type_name="Voluntary aided school",
        type_group=MAINTAINED,
        religious_character="Roman Catholic",
        street="Everton Road",
        locality="Everton",
        town="Liverpool",
        county="Merseyside",
        local_authority="Liverpool",
        postcode="L6 2EH",
        latitude=53.4187,
        longitude=-2.9661,
        domain="stbedesliverpool.example.org",
        profile="a Catholic primary school of 240 children in Everton, serving its parish for more than a "
        "hundred years",
        setting="We are ten minutes by bus from Liverpool Lime Street, with Everton Park and its views over "
        "the city just up the hill.",
        openings=("class_teacher 1", "deputy_headteacher", "teaching_assistant"),
    ),
    _school(
        "120364",
        "Abbey Park Special School",
        phase="primary",
        type_name="Community special school",
        type_group=MAINTAINED,
        street="Abbey Park Road",
        locality="Belgrave",
        town="Leicester",
        county="Leicestershire",
        local_authority="Leicester",
        postcode="LE4 5AW",
        latitude=52.6459,
        longitude=-1.1332,
        domain="abbeyparkspecial.example.org",
        profile="a special school for 110 pupils aged 4 to 11 with complex learning needs, autism and "
        "communication difficulties",
        setting="We sit beside Abbey Park on the north side of Leicester, with free parking and a "
        "hydrotherapy pool on site.",
        openings=("class_teacher ks2", "send_teaching_assistant", "hlta"),
    ),
    _school(
        "123180",
        "Iffley Fields Church of England Primary School",
        phase="primary",
        type_name="Voluntary controlled school",
        type_group=MAINTAINED,
        religious_character="Church of England",
        street="Iffley Road",
        locality="East Oxford",
        town="Oxford",
        county="Oxfordshire",
        local_authority="Oxfordshire",
        postcode="OX4 1EJ",
        latitude=51.7437,
        longitude=-1.2376,
        domain="iffleyfields.example.org",
        profile="a Church of England primary school of 330 children in East Oxford, a short walk from the "
        "Thames towpath",
        setting="We are on the Iffley Road bus routes, ten minutes' cycle ride from Oxford station.",
        openings=("class_teacher 4 +jobshare", "subject_leader Science", "school_administrator"),
    ),
    _school(
        "136902",
        "Dyke Road Academy",
        phase="secondary",
        type_name="Academy converter",
        type_group=ACADEMIES,
        street="Dyke Road",
        locality="Seven Dials",
        town="Brighton",
        county="East Sussex",
        local_authority="Brighton and Hove",
        postcode="BN1 5JG",
        latitude=50.8367,
        longitude=-0.1497,
        domain="dykeroadacademy.example.org",
        profile="a creative, inclusive 11 to 16 academy of 1,000 students near Brighton's Seven Dials",
        setting="Brighton station is twelve minutes' walk away, with trains to London in an hour; the sea is "
        "at the bottom of the hill.",
        openings=(
            "teacher English +cover",
            "teacher German",
            "teacher Dance",
            "teacher Food technology",
            "head_of_department Art and design",
            "it_technician",
        ),
    ),
    _school(
        "116218",
        "Woolston Riverside Primary School",
        phase="primary",
        type_name="Foundation school",
        type_group=MAINTAINED,
        street="Portsmouth Road",
        locality="Woolston",
        town="Southampton",
        county="Hampshire",
        local_authority="Southampton",
        postcode="SO19 9AL",
        latitude=50.8983,
        longitude=-1.3771,
        domain="woolstonriverside.example.org",
        profile="a primary school of 350 children in Woolston, on the east bank of the Itchen",
        setting="Woolston station and the Itchen Bridge put Southampton city centre ten minutes away.",
        openings=("class_teacher 6", "class_teacher 0", "site_manager"),
    ),
)

ORGANISATIONS: tuple[DemoOrganisation, ...] = TRUSTS + SCHOOLS
