from datetime import datetime, timezone

from helpers import document, seed_documents

from newsdigest.group import group_documents

QUAKE = ("A magnitude 6.1 earthquake struck northern Chile near Antofagasta on Monday, "
         "damaging roads and cutting power to 20,000 homes. No deaths were reported. "
         "The national emergency office said aftershocks continued through the night.")
QUAKE_OTHER_OUTLET = ("Chile's Antofagasta region was shaken by a 6.1-magnitude quake on Monday. "
                      "Power was cut to about 20,000 homes and several roads were damaged, officials said. "
                      "Aftershocks were felt overnight, the emergency office reported.")
BUDGET = ("The city council approved a new budget for schools on Tuesday after a long debate. "
          "Teachers' unions welcomed the extra funding for classrooms.")


def test_seeds_with_differently_spelt_names_are_one_story():
    # "Ahmad al-Shareh" and "Ahmed al-Sharaa": the same man, the same Kremlin meeting.
    assert group_documents(seed_documents()) == [[0, 1]]


def test_same_event_groups_and_different_events_stay_apart():
    docs = [*seed_documents(), document(QUAKE, "q1"), document(BUDGET, "b"), document(QUAKE_OTHER_OUTLET, "q2")]
    assert group_documents(docs) == [[0, 1], [2, 4], [3]]


def test_dated_articles_weeks_apart_are_different_events():
    early = document(QUAKE, "q1", date=datetime(2025, 1, 6, tzinfo=timezone.utc))
    late = document(QUAKE_OTHER_OUTLET, "q2", date=datetime(2025, 3, 3, tzinfo=timezone.utc))
    assert group_documents([early, late]) == [[0], [1]]
    near = document(QUAKE_OTHER_OUTLET, "q2", date=datetime(2025, 1, 7, tzinfo=timezone.utc))
    assert group_documents([early, near]) == [[0, 1]]


def test_no_documents_no_stories():
    assert group_documents([]) == []
