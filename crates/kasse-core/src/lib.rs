//! Kasse's order domain. Filled in by the kasse-core issue.
