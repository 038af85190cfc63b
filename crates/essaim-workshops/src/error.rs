//! The module's one error: why a workshop, capture, export or plenary action was refused. The
//! refusals every part shares (not found, not allowed, not in this state, the core's) are
//! declared once here, beside the plenary's own (a closed vote, an unknown device, a missing
//! voting code), so that the server maps each kind to its answer in one place.

use essaim_core::CoreError;

/// Why an action of the module was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkshopError {
    /// No such workshop, entry, plenary, orientation or device address.
    #[error("introuvable")]
    NotFound,
    /// The account may not do this: not one of the workshop's facilitators (nor staff), or
    /// not a role that runs or sets up the plenary.
    #[error("accès refusé")]
    Forbidden,
    /// Not possible in the present state; the message (French, shown) says why.
    #[error("{0}")]
    State(String),
    /// Anything the core refused (validation, conflict) or failed at.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Plenary: the vote on this orientation is closed (or was never opened).
    #[error("vote clos")]
    VoteClosed,
    /// Plenary: the device token is unknown (forged, or from another database).
    #[error("appareil inconnu")]
    UnknownDevice,
    /// Plenary: the plenary requires a voting code and this device has redeemed none.
    #[error("code de vote requis")]
    CodeRequired,
}

impl From<diesel::result::Error> for WorkshopError {
    fn from(e: diesel::result::Error) -> Self {
        WorkshopError::Core(CoreError::from(e))
    }
}
