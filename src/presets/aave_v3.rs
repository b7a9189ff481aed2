//! Aave v3 lending-mode liquidation (placeholder: being written).
