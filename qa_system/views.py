from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from organisation.models import StaffMember
from organisation.selectors import staff_current_team, user_scope
from qa_system.home import home_lists_for_user
from qa_system.selectors import health_report


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    staff = StaffMember.objects.filter(pk=scope.staff_id).first() if scope.staff_id else None
    return render(
        request,
        "qa_system/home.html",
        {
            "staff": staff,
            "team": staff_current_team(staff=staff) if staff else None,
            "role_lists": home_lists_for_user(user=request.user),
        },
    )
