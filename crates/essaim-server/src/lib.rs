//! The Essaim server: pages, JSON API and command line over the core and the modules.

pub mod app;
pub mod auth;
pub mod cli;
pub mod error;
pub mod extract;
pub mod input;
pub mod openapi;
pub mod routes;
pub mod scope;
pub mod sections;
pub mod views;
pub mod workers;
