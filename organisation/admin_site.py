from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from organisation.models import Role
from organisation.selectors import user_scope


class QAAdminSite(AdminSite):
    """The admin, for the organisation's administrators only, scoped to it.

    Sign-in goes through the product's own login (with its second factor); the admin's
    own login page only redirects there.
    """

    site_header = "Administration"
    site_title = "Administration"
    index_title = "Your organisation"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and (user.is_superuser or user_scope(user=user).has_role(Role.ADMINISTRATOR))
        )

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        next_url = request.GET.get("next", reverse("admin:index"))
        if self.has_permission(request):
            return redirect(
                next_url
                if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
                else reverse("admin:index")
            )
        if request.user.is_authenticated:
            # Signed in but not an administrator: refuse, rather than loop through login.
            raise PermissionDenied
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
