"""Side by Side: the pure core of the studio.

Everything in this package except ``studio.ui`` is plain Python with no
Streamlit import, so it can be tested fast and reused anywhere.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
