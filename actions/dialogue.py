"""Which action answers which intent outside forms. Shared by the rule generator and tests."""

from __future__ import annotations

from actions.topics import TOPIC_PROGRAMS

SIMPLE_RESPONSES: dict[str, str] = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_challenge": "utter_iamabot",
    "ask_capabilities": "utter_capabilities",
    "feedback": "utter_feedback_thanks",
    "request_deletion": "utter_ask_confirm_deletion",
}

ACTIONS: dict[str, str] = {
    **{intent: "action_answer_topic" for intent in TOPIC_PROGRAMS},
    "ask_events": "action_list_events",
    "request_human": "action_request_human",
    "ask_privacy": "action_privacy",
    "something_else": "action_search_knowledge",
    # the answer engine may still know it (Berufssprachkurs, Visum …); else utter_out_of_scope
    "out_of_scope": "action_answer_topic",
}

FORMS: dict[str, tuple[tuple[str, ...], str]] = {
    # form: (intents that start it, action after it is filled)
    "foerder_check_form": (("ask_foerder_check", "ask_job_at_risk"), "action_foerder_check_result"),
    "contact_form": (("ask_contact",), "action_find_contact"),
    "training_need_form": (("register_training_need",), "action_store_training_need"),
    # started by action_request_human outside office hours (FollowupAction), not by an intent
    "handoff_contact_form": ((), "action_store_handoff_contact"),
}


def answer_for(intent: str) -> str | None:
    return SIMPLE_RESPONSES.get(intent) or ACTIONS.get(intent)
