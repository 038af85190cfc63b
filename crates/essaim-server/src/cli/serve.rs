//! `essaim serve`: binds, prints where to go, and runs until stopped.

use actix_web::{App, HttpServer};
use essaim_core::config::Config;
use essaim_core::db::DbPool;
use essaim_core::mail::Mailer;

use crate::app::{configure, AppState};
use crate::workers;

/// Runs the server; a busy or invalid address is one clear line, not a panic.
pub fn serve(config: Config, pool: DbPool, mailer: Mailer, demo: bool) -> Result<(), String> {
    let bind = config.bind.clone();
    // The job and mail workers live as long as the server: their loops end when it stops.
    let _workers = workers::start(&pool, &config, mailer).map_err(|e| format!("démarrage des tâches de fond : {e}"))?;
    let state = AppState::new(pool, config.clone());
    // The address pseudonyms' secret, read (or made, on a new installation) before the first
    // request: made under a burst of votes, its insert would queue for SQLite's write lock.
    state
        .pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| state.pseudonyms.prepare(&mut conn).map_err(|e| e.to_string()))
        .map_err(|e| format!("lecture du secret de l'installation : {e}"))?;
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let server = HttpServer::new(move || App::new().configure(configure(state.clone())))
            .bind(&bind)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    format!("l'adresse {bind} est déjà utilisée par un autre programme : arrêtez-le ou choisissez une autre adresse (--bind ou ESSAIM_BIND)")
                }
                std::io::ErrorKind::PermissionDenied => format!("pas le droit d'écouter sur {bind} : choisissez un port au-dessus de 1024"),
                _ => format!("impossible d'écouter sur {bind} : {e}"),
            })?;
        let shown = server.addrs().first().map(|a| format!("http://{a}")).unwrap_or_else(|| config.base_url.clone());
        if demo {
            print!("{}", super::demo_banner(&shown));
        } else {
            println!("Essaim écoute sur {shown}/ (base : {})", config.database_url.redacted());
        }
        tracing::info!(address = %shown, backend = config.database_url.backend().as_str(), "serveur démarré");
        server.run().await.map_err(|e| format!("le serveur s'est arrêté : {e}"))
    })
}
