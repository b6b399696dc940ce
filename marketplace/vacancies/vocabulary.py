"""The stable identifiers and labels of teaching jobs in England (see shared VOCABULARY.md).

Identifiers on the left are what the database, URLs and the API use; labels are what people read.
"""

from __future__ import annotations

TEACHING_JOB_ROLES = {
    "teacher": "Teacher or lecturer",
    "head_of_year_or_phase": "Head of year or phase",
    "head_of_department_or_curriculum": "Head of department or curriculum",
    "assistant_headteacher": "Assistant headteacher",
    "deputy_headteacher": "Deputy headteacher",
    "headteacher": "Headteacher",
    "sendco": "SENCO (special educational needs coordinator)",
    "other_leadership": "Other leadership role",
}
SUPPORT_JOB_ROLES = {
    "teaching_assistant": "Teaching assistant",
    "higher_level_teaching_assistant": "HLTA (higher level teaching assistant)",
    "education_support": "Learning support or cover supervisor",
    "administration_hr_data_and_finance": "Administration, HR, data and finance",
    "catering_cleaning_and_site_management": "Catering, cleaning and site management",
    "it_support": "IT support",
    "pastoral_health_and_welfare": "Pastoral, health and welfare",
    "other_support": "Other support role",
}
JOB_ROLES = {**TEACHING_JOB_ROLES, **SUPPORT_JOB_ROLES}

PHASES = {
    "nursery": "Nursery",
    "primary": "Primary school",
    "secondary": "Secondary school",
    "sixth_form_or_college": "Sixth form or FE college",
    "through": "All through school",
}

KEY_STAGES = {
    "early_years": "Early years (ages 0 to 5)",
    "ks1": "Key stage 1 (ages 5 to 7)",
    "ks2": "Key stage 2 (ages 7 to 11)",
    "ks3": "Key stage 3 (ages 11 to 14)",
    "ks4": "Key stage 4 (ages 14 to 16)",
    "ks5": "Key stage 5 (ages 16 to 18)",
}

SUBJECTS = (
    "Accounting",
    "Art and design",
    "Biology",
    "Business studies",
    "Chemistry",
    "Citizenship",
    "Classics",
    "Computing",
    "Dance",
    "Design and technology",
    "Drama",
    "Economics",
    "Engineering",
    "English",
    "Food technology",
    "French",
    "Geography",
    "German",
    "Health and social care",
    "History",
    "Humanities",
    "ICT",
    "Languages",
    "Law",
    "Mandarin",
    "Mathematics",
    "Media studies",
    "Music",
    "Philosophy",
    "Physical education",
    "Physics",
    "Politics",
    "PSHE",
    "Psychology",
    "Religious education",
    "Science",
    "Social sciences",
    "Sociology",
    "Spanish",
    "Statistics",
)

# Subjects of further-education listings (a college's own list).
FE_SUBJECTS = (
    "Accounting",
    "Agriculture, horticulture and land-based studies",
    "Animal care",
    "Art and design",
    "Biology",
    "British sign language",
    "Building and construction",
    "Catering",
    "Chemistry",
    "Children's development and learning",
    "Classics",
    "Computing",
    "Counselling",
    "Criminology",
    "Customer service",
    "Dance",
    "Design and technology",
    "Drama",
    "Early years",
    "Economics and Business Studies",
    "Electrics",
    "Engineering",
    "English",
    "English as a foreign language",
    "Esports",
    "Fabrication and welding",
    "Farming",
    "Fashion",
    "Food technology",
    "Foreign languages",
    "French",
    "Functional skills",
    "Games design",
    "Geography",
    "German",
    "Graphic design",
    "Hair and beauty",
    "Health and social care",
    "History",
    "Hotel, catering and travel",
    "Humanities",
    "Land and property management",
    "Languages",
    "Leadership and management",
    "Logistics",
    "Mandarin",
    "Mathematics",
    "Media studies",
    "Motor vehicle",
    "Music",
    "People management",
    "Philosophy",
    "Photography",
    "Physical education",
    "Physics",
    "Plumbing and heating",
    "Politics",
    "PSHE",
    "Psychology",
    "Public services",
    "Religious education",
    "Science",
    "Sociology",
    "Spanish",
    "Sport and leisure",
    "Sports science",
    "Tourism",
    "Welsh",
    "Woodworking, joinery and carpentry",
)

# Every subject a listing may name and a search may filter on: both lists, each name once.
ALL_SUBJECTS = tuple(sorted(dict.fromkeys((*SUBJECTS, *FE_SUBJECTS)), key=str.lower))

WORKING_PATTERNS = {"full_time": "Full time", "part_time": "Part time"}

CONTRACT_TYPES = {"permanent": "Permanent", "fixed_term": "Fixed term", "casual": "Casual"}

ECT_STATUSES = {
    "ect_suitable": "Suitable for early career teachers",
    "ect_unsuitable": "Not suitable for early career teachers",
}

HOW_TO_APPLY = {
    "marketplace": "Through the marketplace",
    "website": "On the school's website",
    "email": "By email",
}

# Closing times offered to schools, in UK local time.
CLOSING_TIMES = ("08:00", "09:00", "12:00", "15:00", "23:59")


def labels(mapping: dict[str, str], values: list[str]) -> list[str]:
    """Labels for stored identifiers, in the order given, skipping any that are no longer offered."""
    return [mapping[v] for v in values if v in mapping]
