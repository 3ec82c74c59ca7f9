"""Custom NLU: parsers for entities that need more than a gazetteer (company size, postcodes)."""
