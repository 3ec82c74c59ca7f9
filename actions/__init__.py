"""rasa-sdk actions (thin shells) and the pure answer logic beside them."""
