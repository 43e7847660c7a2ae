"""The API of the QA unit pages: a unit's combined view for a period (audits, what
families, children and staff say, core data, the timeline, the comparison of the units
below and the flags), with the pages' visibility: a unit outside the user's scope, or of
another organisation, is 404; the organisation's view for someone who may not see it,
403. Figures only: the audits' themes and the survey comments quote single cases and
answers, and stay on the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coredata.indicators.units import ORGANISATION
from qa_system.api_qa_serializers import QaPageSerializer, qa_page_json
from qa_system.selectors_qa import qa_page_for
from qa_system.selectors_qa_units import UNIT_TYPES_BY_KIND, qa_place_for_user

KINDS = {"organisation": ORGANISATION, **UNIT_TYPES_BY_KIND}


class QaUnitView(APIView):
    """A unit's QA view for a period. `kind`: organisation (its id is the
    organisation's), services, teams or practitioners. `period`: a period key as the core
    data pages use them (2024-25, 2025-26-q1, 2025-06, 12m-2025-06); without it, the
    latest complete quarter with core data. `sort`: the comparison's column key, '-'
    first for largest first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=False),
            OpenApiParameter("sort", OpenApiTypes.STR, required=False),
        ],
        responses=QaPageSerializer,
    )
    def get(self, request: Request, kind: str, pk: int) -> Response:
        unit_type = KINDS.get(kind)
        if unit_type is None:
            raise NotFound
        # Django's 404 and 403 become the API's (DRF's exception handler).
        place = qa_place_for_user(user=request.user, unit_type=unit_type, pk=pk)
        page = qa_page_for(
            user=request.user,
            place=place,
            period_key=request.query_params.get("period"),
            sort=request.query_params.get("sort", ""),
            aggregates_only=True,
        )
        return Response(qa_page_json(page))
