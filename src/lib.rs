//! Kasse widget.
