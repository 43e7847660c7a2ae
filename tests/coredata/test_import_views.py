"""The import pages and API: who may import, what they see, and the access log."""

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coredata.models import ImportRun
from organisation.models import AccessLogEntry
from tests.conftest import World

TEAMS = b"team_code,team_name,service_code,service_name\nX1,Extra team,N,North\n"
BAD_TEAMS = b"team_code,team_name,service_code,service_name\n,No code,N,North\n"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_data_officer_uploads_a_file_and_sees_the_counts(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.data_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/new/", {"files": [SimpleUploadedFile("teams.csv", TEAMS)]})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page
    assert "Teams" in page
    assert run.counts == {"services": 1, "teams": 1}
    assert run.started_by == world.data_officer


def test_an_import_with_errors_shows_them_and_writes_the_access_log(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.data_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/new/", {"files": [SimpleUploadedFile("teams.csv", BAD_TEAMS)]})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Not imported: nothing was changed" in page
    assert "row 2" in page
    assert (
        AccessLogEntry.objects.filter(
            object_type="coredata.importrun", object_id=str(run.pk), route="coredata:import_detail"
        ).count()
        == 1
    )
    download = client.get(f"/imports/{run.pk}/problems.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    lines = download.content.decode().splitlines()
    assert lines[0] == "level,file,location,field,value,reason"
    assert lines[1].startswith("error,teams.csv,row 2,team_code,,")
    assert AccessLogEntry.objects.filter(action="download").count() == 1


def test_people_who_do_not_import_cannot_see_imports(world: World) -> None:
    from coredata.services.imports import import_run_create

    run = import_run_create(
        organisation=world.organisation, user=None,
        uploads=[("teams.csv", BytesIO(TEAMS))], enqueue=False,
    )  # fmt: skip
    assert _client(world.team_manager).get("/imports/").status_code == 403
    assert _client(world.team_manager).get(f"/imports/{run.pk}/").status_code == 404
    assert _client(world.other_organisation_admin).get(f"/imports/{run.pk}/").status_code == 404
    assert _client(world.administrator).get(f"/imports/{run.pk}/").status_code == 200


def test_the_api_starts_an_import_and_reads_its_run(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.data_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"files": [SimpleUploadedFile("teams.csv", TEAMS)]}
        )
    assert response.status_code == 201
    run_id = response.json()["id"]
    detail = client.get(f"/api/v1/imports/{run_id}/").json()
    assert detail["status"] == "succeeded"
    assert detail["counts"] == {"services": 1, "teams": 1}
    assert detail["files"][0]["kind"] == "teams"
    assert detail["problems"] == []
    refused = _client(world.practitioner).post(
        "/api/v1/imports/", {"files": [SimpleUploadedFile("teams.csv", TEAMS)]}
    )
    assert refused.status_code == 403
    assert _client(world.practitioner).get(f"/api/v1/imports/{run_id}/").status_code == 404


def test_the_data_officers_home_lists_recent_imports(world: World) -> None:
    from coredata.services.imports import import_run_create, import_run_execute

    run = import_run_create(
        organisation=world.organisation, user=None,
        uploads=[("teams.csv", BytesIO(TEAMS))], enqueue=False,
    )  # fmt: skip
    import_run_execute(run_id=run.pk)
    page = _client(world.data_officer).get("/").content.decode()
    assert f'href="/imports/{run.pk}/"' in page
    assert "teams.csv: Imported" in page
