"""A small organisation's core data, loaded through the real importers and refreshed: the
children behind the figures of the world's teams (tests.conftest.World).

As at 30 June 2025 (the end of quarter 1 of 2025-26, the pages' default period):

- C1: a child protection plan, allocated to the practitioner (North One), seen 20 June;
- C2: an open episode of need, allocated to the practitioner, last seen in January;
- C3: an open episode of need, allocated to the other team's practitioner (North Two);
- C4: early help, allocated to the far team's practitioner (South One).
"""

from coredata.models import ImportRun, RefreshRun
from coredata.services.refresh import refresh_now
from organisation.models import StaffMember, User
from tests.conftest import World
from tests.coredata.helpers import problems, run_import

PERIOD = "2025-26-q1"


def cin_census(children: str, *, la_code: str = "901", year: int = 2025) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>{la_code}</LEA><SoftwareCode>x</SoftwareCode>
      <Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-05-01T00:00:00</DateTime>
    </Source>
  </Header>
  <Children>{children}</Children>
</Message>"""


def cin_child(child_id: str, referral: str, modules: str = "") -> str:
    return f"""<Child>
  <ChildIdentifiers><LAchildID>{child_id}</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate>
    <GenderCurrent>1</GenderCurrent></ChildIdentifiers>
  <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
    <Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
  <CINdetails><CINreferralDate>{referral}</CINreferralDate><ReferralSource>1A</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>{modules}</CINdetails>
</Child>"""


def cp_plan(start: str) -> str:
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>"
    )


def worker(user: User) -> str:
    return StaffMember.objects.get(user=user).worker_id


def load_children(world: World, *, extra_early_help: int = 0) -> RefreshRun:
    """Import the children above (and `extra_early_help` more early help children of the
    practitioner's) and refresh."""
    practitioner, other = worker(world.practitioner), worker(world.other_team_practitioner)
    far = worker(world.far_team_practitioner)
    extra = [f"E{n:03d}" for n in range(extra_early_help)]
    allocations = [
        f"C1,{practitioner},N1,2024-09-01,",
        f"C2,{practitioner},N1,2024-11-01,",
        f"C3,{other},N2,2024-12-01,",
        f"C4,{far},S1,2024-06-01,",
        *(f"{child},{practitioner},N1,2025-01-01," for child in extra),
    ]
    early_help = ["C4,2024-06-01,", *(f"{child},2025-01-01," for child in extra)]
    visits = ["C1,2025-06-20,Y,N", "C2,2025-01-10,Y,N", "C3,2025-06-30,N,N"]
    census = cin_census(
        cin_child("C1", "2024-08-20", cp_plan("2024-10-01"))
        + cin_child("C2", "2024-10-15")
        + cin_child("C3", "2024-11-20")
    )
    run = run_import(
        world.organisation,
        {
            "cin_census_2025.xml": census,
            "allocations.csv": "child_id,worker_id,team_code,start_date,end_date\n"
            + "\n".join(allocations),
            "early_help.csv": "child_id,start_date,end_date\n" + "\n".join(early_help),
            "visits.csv": "child_id,visit_date,seen,seen_alone\n" + "\n".join(visits),
        },
    )
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    refreshed = refresh_now(organisation=world.organisation)
    assert refreshed.status == RefreshRun.Status.SUCCEEDED
    return refreshed
