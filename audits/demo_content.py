"""What the demo audits say and when things happen (constants and small helpers of
`audits.demo`)."""

import hashlib
import random
from datetime import date, datetime, time

from django.utils import timezone

from audits.models import Grade, RatingScale

MONTHS = 12
PER_TEAM = 2
GRADES: list[str] = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]
GRADE_WEIGHTS = [10, 45, 35, 10]
WORKING_WELL = [
    "The danger statements are clear and written in the family's words.",
    "Strong safety network: grandparents and a family friend meet fortnightly.",
    "The child's Three Houses work is on file and visibly shaped the plan.",
    "Supervision notes use the mapping questions and record clear decisions.",
    "Mum can say in her own words what needs to change.",
]
WORRIES = [
    "The safety plan has not been reviewed since the network last met.",
    "The child has not been seen alone as often as the plan says.",
    "Safety goals describe services to attend rather than what will be different.",
    "Drift: the plan has been open a long time without the scaling moving.",
    "No Words and Pictures explanation has been started.",
]
NEXT_STEPS = [
    "Review the safety plan with the network within four weeks.",
    "Rewrite the safety goals with the family in behavioural terms.",
    "Start the Words and Pictures explanation with the parents.",
    "Agree a visiting pattern that includes seeing the child alone.",
    "Bring the case to group supervision to look at drift.",
]
ACTIONS = [
    "Arrange a network meeting to review the safety plan.",
    "Complete the Words and Pictures explanation with the family.",
    "Update the danger statements and safety goals with the family.",
    "See the child alone and record their views.",
    "Record the supervision decision on the case file.",
]


def moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def months_ending(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def month_seed(organisation_id: int, month: date) -> int:
    digest = hashlib.sha256(f"demo:{organisation_id}:{month.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:7], "big")


def rating_near(scale: str, centre: int, rng: random.Random) -> str:
    """A rating near the grade (index 0 outstanding .. 3 inadequate) on any scale."""
    index = min(3, max(0, centre + rng.choice([-1, 0, 0, 0, 1])))
    if scale == RatingScale.OFSTED:
        return GRADES[index]
    if scale == RatingScale.ZERO_TEN:
        return str([9, 7, 5, 2][index] + rng.choice([-1, 0, 1]))
    if scale == RatingScale.YES_PARTLY_NO:
        return ["yes", "yes", "partly", "no"][index]
    return ""
