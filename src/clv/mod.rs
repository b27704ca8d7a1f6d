//! Predictive customer lifetime value: BG/NBD and Gamma-Gamma (SPEC §9).
