"""Who may change what, as readable rules (django-rules predicates).

Seeing a record is decided by the visibility selectors; these decide what a person who
can see it may do with it. A member without the right gets 403.
"""

import rules

from organisation.models import Role, StaffMember, Team
from organisation.selectors import user_scope


@rules.predicate
def is_administrator(user: object) -> bool:
    return user_scope(user=user).has_role(Role.ADMINISTRATOR)


@rules.predicate
def is_data_officer(user: object) -> bool:
    return user_scope(user=user).has_role(Role.DATA_OFFICER)


@rules.predicate
def is_qa_lead(user: object) -> bool:
    return user_scope(user=user).has_role(Role.QA_LEAD)


@rules.predicate
def is_senior_leader(user: object) -> bool:
    return user_scope(user=user).has_role(Role.SENIOR_LEADER)


@rules.predicate
def is_in_same_organisation(user: object, obj: object) -> bool:
    organisation_id = getattr(obj, "organisation_id", None)
    return organisation_id is not None and organisation_id == user_scope(user=user).organisation_id


@rules.predicate
def is_team_manager_of(user: object, team: Team) -> bool:
    scope = user_scope(user=user)
    return team.organisation_id == scope.organisation_id and (
        team.pk in scope.managed_team_ids or team.service_id in scope.managed_service_ids
    )


@rules.predicate
def is_self(user: object, staff: StaffMember) -> bool:
    return staff.pk == user_scope(user=user).staff_id


rules.add_perm(
    "organisation.deactivate_staffmember", is_administrator & is_in_same_organisation & ~is_self
)
rules.add_perm("organisation.view_accesslogentry", is_administrator)
