"""bulletins: dirty government bulletin texts in, a searchable static archive out."""

__version__ = "0.1.0"
