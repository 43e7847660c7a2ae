"""URLs of the audits pages. They carry database keys only, never a child's ID."""

from django.urls import URLPattern, URLResolver, path

from audits import (
    views_actions,
    views_audit,
    views_lists,
    views_moderation,
    views_programme,
    views_summary,
    views_tool_edit,
    views_tools,
    views_transitions,
)

app_name = "audits"

urlpatterns: list[URLPattern | URLResolver] = [
    # Lists
    path("audits/", views_lists.audit_index, name="index"),
    path("audits/team/", views_lists.audit_team_list, name="team_list"),
    path("audits/actions/", views_lists.action_list, name="action_list"),
    path("audits/escalations/", views_lists.escalation_list, name="escalation_list"),
    path("audits/moderation/", views_moderation.moderation_queue, name="moderation_queue"),
    # The audit
    path("audits/<int:pk>/", views_audit.audit_detail, name="detail"),
    path("audits/<int:pk>/sections/<str:code>/", views_audit.audit_section, name="section"),
    path("audits/<int:pk>/history/", views_audit.audit_history_view, name="history"),
    path("audits/<int:pk>/summary/", views_summary.audit_summary, name="summary"),
    path("audits/<int:pk>/summary.pdf", views_summary.audit_summary_pdf, name="summary_pdf"),
    path(
        "audits/<int:pk>/steps/<slug:step>/",
        views_transitions.audit_transition,
        name="transition",
    ),
    path(
        "audits/<int:pk>/skip-reflection/",
        views_transitions.audit_skip_reflection,
        name="skip_reflection",
    ),
    path("audits/<int:pk>/cancel/", views_transitions.audit_cancel_view, name="cancel"),
    path("audits/<int:pk>/auditor/", views_transitions.audit_assign_auditor, name="assign_auditor"),
    path("audits/<int:pk>/actions/new/", views_actions.action_new, name="action_new"),
    path("audits/actions/<int:pk>/edit/", views_actions.action_edit, name="action_edit"),
    path("audits/actions/<int:pk>/status/", views_actions.action_status, name="action_status"),
    path("audits/<int:pk>/escalate/", views_actions.escalation_new, name="escalation_new"),
    path("audits/escalations/<int:pk>/", views_actions.escalation_detail, name="escalation"),
    path("audits/<int:pk>/moderate/", views_moderation.audit_moderate_view, name="moderate"),
    path(
        "audits/<int:pk>/moderation/request/",
        views_moderation.audit_moderation_request,
        name="moderation_request",
    ),
    # The programme
    path("audits/programme/", views_programme.programme_list, name="programme_list"),
    path("audits/programme/new/", views_programme.programme_new, name="programme_new"),
    path("audits/programme/<int:pk>/", views_programme.programme_detail, name="programme_detail"),
    path("audits/programme/<int:pk>/edit/", views_programme.programme_edit, name="programme_edit"),
    path(
        "audits/programme/<int:pk>/draw/", views_programme.programme_draw_now, name="programme_draw"
    ),
    path("audits/settings/", views_programme.audit_settings, name="settings"),
    # Tools
    path("audits/tools/", views_tools.tool_list, name="tool_list"),
    path("audits/tools/new/", views_tools.tool_new, name="tool_new"),
    path("audits/tools/import/", views_tools.tool_import, name="tool_import"),
    path("audits/tools/<int:pk>/", views_tools.tool_detail, name="tool_detail"),
    path("audits/tools/<int:pk>/edit/", views_tools.tool_edit, name="tool_edit"),
    path("audits/tools/<int:pk>/draft/", views_tools.tool_draft, name="tool_draft"),
    path("audits/tools/<int:pk>/import/", views_tools.tool_import, name="tool_import_into"),
    path("audits/tools/versions/<int:pk>/", views_tool_edit.tool_version, name="tool_version"),
    path(
        "audits/tools/versions/<int:pk>/edit/",
        views_tool_edit.tool_version_edit,
        name="tool_version_edit",
    ),
    path(
        "audits/tools/versions/<int:pk>/publish/",
        views_tools.tool_version_publish_view,
        name="tool_version_publish",
    ),
    path(
        "audits/tools/versions/<int:pk>/export/",
        views_tools.tool_version_export_view,
        name="tool_version_export",
    ),
    path(
        "audits/tools/versions/<int:pk>/sections/new/",
        views_tool_edit.tool_section_new,
        name="tool_section_new",
    ),
    path(
        "audits/tools/sections/<int:pk>/edit/",
        views_tool_edit.tool_section_edit,
        name="tool_section_edit",
    ),
    path(
        "audits/tools/sections/<int:pk>/delete/",
        views_tool_edit.tool_section_remove,
        name="tool_section_delete",
    ),
    path(
        "audits/tools/sections/<int:pk>/move/",
        views_tool_edit.tool_section_reorder,
        name="tool_section_move",
    ),
    path(
        "audits/tools/sections/<int:pk>/items/new/",
        views_tool_edit.tool_item_new,
        name="tool_item_new",
    ),
    path(
        "audits/tools/items/<int:pk>/edit/", views_tool_edit.tool_item_edit, name="tool_item_edit"
    ),
    path(
        "audits/tools/items/<int:pk>/delete/",
        views_tool_edit.tool_item_remove,
        name="tool_item_delete",
    ),
    path(
        "audits/tools/items/<int:pk>/move/",
        views_tool_edit.tool_item_reorder,
        name="tool_item_move",
    ),
]
