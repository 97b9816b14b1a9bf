"""The admin page's one gateway to the loaders: uploads, status records and their histories.

The page imports ui/ and the read model only; what it writes goes through here (tests/test_layers.py
allows this module, and no other ui module, to call data_sources/). Reads are cached like every page
question (ui.data.get), so a finished load shows at once: it changes the database version.
"""
from __future__ import annotations

from data_sources import action_status, admin_auth, meetings, own_metrics, survey, uploads
from readmodel import admin as admin_questions
from ui import data

auth = admin_auth
MAX_FILE_BYTES = uploads.MAX_FILE_BYTES
Rejected = uploads.UploadRejected
problems_frame = uploads.problems_frame
STATUSES = action_status.STATUSES
MAX_NOTE = action_status.MAX_NOTE
load_survey_bytes = survey.load_survey_bytes
restore_survey_version = survey.restore_survey_version
record_status = action_status.record_status
import_status_bytes = action_status.import_status_bytes
export_status_csv = action_status.export_csv_bytes
latest_per_action = action_status.latest_per_action
load_own_metric_bytes = own_metrics.load_bytes
own_metric_template = own_metrics.template_bytes
# the vuosikello's coordinator forms (issue 14)
MeetingRejected = meetings.MeetingRejected
MEETING_KINDS = meetings.MEETING_KINDS
DECISION_KINDS = meetings.DECISION_KINDS
MAX_MEETING_TITLE = meetings.MAX_TITLE
MAX_DECISION_TEXT = meetings.MAX_TEXT
add_meeting = meetings.add_meeting
record_decision = meetings.record_decision


def survey_history():
    return data.get(survey.survey_history)


def status_history():
    return data.get(action_status.status_history)


def plan_actions():
    return data.get(admin_questions.plan_actions)


def status_parties():
    return data.get(admin_questions.status_parties)


def action_parties():
    return data.get(admin_questions.action_parties)


def own_metric_template_bytes() -> bytes:
    return data.get(own_metrics.template_bytes)


def own_metric_values():
    return data.get(own_metrics.values)
