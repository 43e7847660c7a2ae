from django.urls import path

from coredata import views

app_name = "coredata"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/problems.csv", views.import_problems_csv, name="import_problems_csv"),
]
