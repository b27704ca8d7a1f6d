//! Boundary tests under Node (wasm-bindgen-test-runner's default).
#![cfg(target_arch = "wasm32")]

#[path = "wasm/boundary.rs"]
mod boundary;
