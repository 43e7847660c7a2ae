from django.urls import path

from organisation import views

app_name = "organisation"

urlpatterns = [
    path("organisation/", views.structure, name="structure"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("me/", views.my_account, name="my_account"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
