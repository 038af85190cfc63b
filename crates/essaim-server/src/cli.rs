//! The command line: `serve`, `migrate`, `seed demo`, `user add`, `user list`, `synthesize`,
//! `import contributions`, `responses export`, `questionnaire export|import`,
//! `invitations send|remind`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use essaim_core::config::Config;
use essaim_core::db::{connect, run_migrations, DatabaseUrl, DbPool};
use essaim_core::demo::{seed_demo, SeedOutcome, DEMO_ACCOUNTS, DEMO_SLUG};
use essaim_core::domain::{list_accounts, NewAccount};
use essaim_core::mail::Mailer;
use essaim_core::CoreError;

mod backup;
mod consultation;
mod french;
mod import;
mod publication;
mod questionnaire;
mod responses;
mod serve;
mod synthesize;

/// Essaim : plateforme de consultation pour la stratégie régionale de l'économie sociale et solidaire.
#[derive(Parser, Debug)]
#[command(
    name = "essaim",
    version,
    about = "Essaim : plateforme de consultation pour la stratégie régionale de l'économie sociale et solidaire"
)]
pub struct Cli {
    /// Base de données : sqlite://CHEMIN (par défaut essaim.db) ou postgres://UTILISATEUR@HÔTE/BASE
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Affiche l'aide d'une commande, par exemple : essaim help consultation import.
    Help {
        /// La commande, et ses sous-commandes.
        commande: Vec<String>,
    },
    /// Lance le serveur web (applique d'abord les migrations).
    Serve {
        /// Adresse d'écoute [env : ESSAIM_BIND, par défaut 127.0.0.1:8080]
        #[arg(long)]
        bind: Option<String>,
        /// Crée la consultation de démonstration si elle manque et affiche les comptes de démonstration.
        #[arg(long)]
        demo: bool,
    },
    /// Applique les migrations en attente.
    Migrate,
    /// Sauvegarde toute la base, serveur en marche, dans une archive portable (docs/backup.md).
    Backup {
        /// Fichier de l'archive à écrire (par exemple essaim.sauvegarde.gz).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restaure une archive dans une base vide, SQLite ou PostgreSQL (--database-url), et la vérifie.
    Restore {
        /// Fichier de l'archive.
        file: std::path::PathBuf,
    },
    /// Charge des données.
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
    /// Consultations : liste, et paramétrage complet en un fichier JSON (docs/consultation-json.md).
    Consultation {
        #[command(subcommand)]
        action: ConsultationCommand,
    },
    /// L'adresse publique de l'installation, pour les liens des courriels : l'affiche, ou la
    /// retient (`essaim serve` retient la sienne à chaque démarrage).
    PublicAddress {
        /// L'adresse, par exemple https://consultation.region.fr.
        url: Option<String>,
    },
    /// Gère les comptes (administrateurs, équipes, animateurs).
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Synthèse : regroupe les contributions de chaque thème en projets d'orientations et les exporte.
    Synthesize {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Un seul thème (son intitulé).
        #[arg(long)]
        theme: Option<String>,
        /// Nombre de groupes par thème (par défaut : choisi automatiquement entre 2 et 12).
        #[arg(long)]
        groups: Option<usize>,
        /// Formats, séparés par des virgules : json, csv, md, html, odt, docx, pdf.
        #[arg(long, default_value = "json")]
        format: String,
        /// Dossier où écrire les fichiers.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Importe des données.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Réponses au questionnaire aux acteurs.
    Responses {
        #[command(subcommand)]
        action: ResponsesCommand,
    },
    /// Définition du questionnaire aux acteurs (JSON Essaim ou structure LimeSurvey .lss).
    Questionnaire {
        #[command(subcommand)]
        action: QuestionnaireCommand,
    },
    /// Invitations au questionnaire (mises en file d'envoi ; le serveur les envoie).
    Invitations {
        #[command(subcommand)]
        action: InvitationsCommand,
    },
    /// Purge les données personnelles de contact d'une consultation (adresses, liens, copies
    /// des courriels, compteurs), quelle que soit sa durée de conservation
    /// (docs/personal-data.md). Les contributions et les réponses restent.
    Purge {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Affiche ce qui serait purgé, sans rien effacer.
        #[arg(long)]
        dry_run: bool,
    },
    /// Publication de la stratégie : publier (une nouvelle version), retirer (docs/publication.md).
    Publication {
        #[command(subcommand)]
        action: PublicationCommand,
    },
}

#[derive(Subcommand, Debug)]
enum PublicationCommand {
    /// Publie les orientations de la consultation (celles du projet, non écartées) comme nouvelle
    /// version ; les contributions des orientations publiées sans réponse deviennent « retenues »
    /// et chaque personne qui suit ses contributions reçoit un courriel, une fois.
    Publish {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
    },
    /// Retire la stratégie publiée : elle n'est plus affichée au public.
    Withdraw {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
    },
}

#[derive(Subcommand, Debug)]
enum ConsultationCommand {
    /// Liste les consultations : identifiant court, état, titre.
    List,
    /// Écrit le paramétrage de la consultation en JSON sur la sortie standard (consultation,
    /// phases, thèmes, territoires, familles juridiques, questionnaire, stands) ; jamais de
    /// contribution, de réponse ni de donnée personnelle.
    Export {
        /// Identifiant court de la consultation.
        slug: String,
    },
    /// Crée une consultation depuis un fichier de paramétrage, tout ou rien, avec de nouveaux
    /// identifiants ; refuse un identifiant court déjà pris.
    Import {
        /// Le fichier JSON.
        file: std::path::PathBuf,
    },
    /// Écrit le schéma JSON du fichier de paramétrage (docs/consultation.schema.json).
    Schema,
    /// Change l'état de la consultation : draft (en préparation), open (ouverte), closed
    /// (close : plus aucune contribution) ou archived (archivée, en lecture seule, définitif).
    State {
        /// Identifiant court de la consultation.
        slug: String,
        /// draft, open, closed ou archived.
        state: String,
    },
    /// Durée de conservation des données personnelles de contact (adresses, liens, copies des
    /// courriels) après la clôture, en jours : 365 par défaut, de 0 à 3 650
    /// (docs/personal-data.md).
    Retention {
        /// Identifiant court de la consultation.
        slug: String,
        /// Nombre de jours.
        days: i32,
    },
}

#[derive(Subcommand, Debug)]
enum QuestionnaireCommand {
    /// Écrit la définition (la dernière version) en JSON sur la sortie standard.
    Export {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
    },
    /// Lit une définition JSON ou un fichier LimeSurvey .lss et l'enregistre comme nouvelle
    /// version, non publiée ; rien n'est changé si le fichier ne convient pas.
    Import {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Le fichier (.json ou .lss).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum InvitationsCommand {
    /// Invite chaque structure d'un CSV (colonnes organisation, email et en option territoire,
    /// en-têtes en français ou en anglais, ou sans en-tête dans cet ordre) ;
    /// rien n'est envoyé si une ligne est fausse.
    Send {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Le fichier CSV.
        file: std::path::PathBuf,
    },
    /// Relance les structures qui n'ont pas répondu, au plus une fois par intervalle.
    Remind {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Intervalle minimal entre deux courriels à une même structure, en heures.
        #[arg(long, default_value_t = 168)]
        interval_hours: i64,
    },
}

#[derive(Subcommand, Debug)]
enum ResponsesCommand {
    /// Exporte les réponses envoyées, une ligne par réponse, en CSV ou en XLSX
    /// (colonnes stables d'une version du questionnaire à l'autre).
    Export {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// csv ou xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Fichier à écrire (d'un coup, lisible du seul propriétaire et de son groupe) ; sans
        /// lui, le CSV s'écrit sur la sortie standard. Obligatoire pour le XLSX.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Bancs d'essai seulement : ajoute COUNT réponses envoyées, variées, à la version publiée
    /// du questionnaire (sans contributions ni courriels).
    #[command(hide = true)]
    SeedDemo {
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Nombre de réponses.
        #[arg(long)]
        count: usize,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Des contributions, depuis un CSV (avec en-tête) ou un JSON Lines, éventuellement gzippé :
    /// colonnes id, theme, text et en option kind, channel, territory, organisation, created_at.
    /// Tout ou rien : une ligne fautive est signalée et rien n'est écrit.
    Contributions {
        /// Le fichier (.csv, .jsonl, éventuellement .gz).
        file: std::path::PathBuf,
        /// Identifiant court de la consultation.
        #[arg(long)]
        consultation: String,
        /// Crée la consultation, avec ce titre et les thèmes trouvés dans le fichier.
        #[arg(long, value_name = "TITRE")]
        new_consultation: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum SeedCommand {
    /// La consultation de démonstration (Pays de la Loire 2016) ; sans effet si elle existe.
    Demo,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Crée un compte.
    Add {
        /// Adresse e-mail (l'identifiant).
        #[arg(long)]
        email: String,
        /// admin, staff ou facilitator.
        #[arg(long)]
        role: String,
        /// Nom affiché.
        #[arg(long)]
        name: Option<String>,
        /// Lit le mot de passe sur une ligne de l'entrée standard au lieu de le demander deux fois.
        #[arg(long)]
        password_stdin: bool,
        /// Limite le compte à cette consultation (identifiant court ; répétable). Sans elle, le
        /// compte voit toutes les consultations ; un administrateur les voit toujours toutes.
        #[arg(long = "consultation", value_name = "IDENTIFIANT")]
        consultations: Vec<String>,
    },
    /// Liste les comptes.
    List,
}

/// Parses the command line, runs it, and turns any error into one line on stderr.
pub fn run() -> ExitCode {
    run_with(|_| {})
}

/// [`run`], with `prepare` called once the command line is read, before the command runs
/// (the binary tunes its allocator there).
pub fn run_with(prepare: impl FnOnce(&Cli)) -> ExitCode {
    let parsed = french::command(Cli::command()).try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => return french::answer(error),
    };
    prepare(&cli);
    init_tracing();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("essaim : {message}");
            ExitCode::FAILURE
        }
    }
}

impl Cli {
    /// Whether the command is the server (`serve`), which runs until stopped, rather than a
    /// command that runs once and exits.
    pub fn serves(&self) -> bool {
        matches!(self.command, Command::Serve { .. })
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ESSAIM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: a log written to a file or a pipe stays plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

fn config(cli_database_url: Option<&str>) -> Result<Config, String> {
    let mut config = Config::from_env().map_err(|e| e.to_string())?;
    if let Some(raw) = cli_database_url {
        config.database_url = DatabaseUrl::parse(raw).map_err(|e| e.to_string())?;
    }
    Ok(config)
}

/// Opens the database and applies migrations; the error names the database, never its password.
/// Sixteen connections for requests, plus one kept by each committing thread.
pub fn open_database(url: &DatabaseUrl) -> Result<DbPool, CoreError> {
    let pool = connect(url, 16 + essaim_core::db::writers_for(url.backend()) as u32)?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn, &url.redacted())?;
    Ok(pool)
}

fn execute(cli: Cli) -> Result<(), String> {
    if let Command::Help { commande } = &cli.command {
        let asked = std::iter::once("essaim").chain(commande.iter().map(String::as_str)).chain(["--help"]);
        return match french::command(Cli::command()).try_get_matches_from(asked) {
            Err(answer) if answer.kind() == clap::error::ErrorKind::DisplayHelp => {
                print!("{}", french::words(&answer.render().to_string()));
                Ok(())
            }
            _ => Err(format!("aucune commande « {} » : essaim --help les liste", commande.join(" "))),
        };
    }
    let config = config(cli.database_url.as_deref())?;
    match cli.command {
        Command::Help { .. } => Ok(()),
        Command::Serve { bind, demo } => {
            let mut config = config;
            if let Some(bind) = bind {
                // The public address follows the flag unless it was given (README: default
                // `http://` + the bind address): the stands' QR codes encode it.
                if !std::env::var("ESSAIM_BASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
                    config.base_url = format!("http://{bind}");
                }
                config.bind = bind;
            }
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            // Commands run beside this server make their mails' links with it.
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            essaim_core::domain::installation::set_public_address(&mut conn, &config.base_url)
                .map_err(|e| refusal_line(&e))?;
            drop(conn);
            if demo {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                seed_demo(&mut conn, crate::sections::SECTIONS).map_err(|e| e.to_string())?;
                essaim_workshops::demo::seed_demo_workshops(&mut conn).map_err(|e| e.to_string())?;
                essaim_workshops::plenary::demo::seed_demo_plenary(&mut conn).map_err(|e| e.to_string())?;
            }
            let mailer = Mailer::from_config(&config).map_err(|e| e.to_string())?;
            serve::serve(config, pool, mailer, demo)
        }
        Command::Backup { out } => {
            print!("{}", backup::backup(&config.database_url, &out)?);
            Ok(())
        }
        Command::Restore { file } => {
            print!("{}", backup::restore(&config.database_url, &file)?);
            Ok(())
        }
        Command::Migrate => {
            let pool = connect(&config.database_url, 1).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let applied = run_migrations(&mut conn, &config.database_url.redacted()).map_err(|e| e.to_string())?;
            println!("{applied} migration(s) appliquée(s) sur {}", config.database_url.redacted());
            Ok(())
        }
        Command::Seed { what: SeedCommand::Demo } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let outcome = seed_demo(&mut conn, crate::sections::SECTIONS).map_err(|e| e.to_string())?;
            essaim_workshops::demo::seed_demo_workshops(&mut conn).map_err(|e| e.to_string())?;
            essaim_workshops::plenary::demo::seed_demo_plenary(&mut conn).map_err(|e| e.to_string())?;
            match outcome {
                SeedOutcome::Created => println!("Consultation de démonstration créée : {DEMO_SLUG}"),
                SeedOutcome::AlreadyPresent => {
                    println!("La consultation de démonstration est déjà présente : {DEMO_SLUG}")
                }
            }
            Ok(())
        }
        Command::User { action: UserCommand::Add { email, role, name, password_stdin, consultations } } => {
            let password = if password_stdin { read_password_line()? } else { prompt_password_twice()? };
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let mut limits = Vec::new();
            for slug in &consultations {
                let found = essaim_core::domain::consultation::find_consultation(&mut conn, slug)
                    .map_err(|_| format!("consultation « {slug} » introuvable : aucun compte créé"))?;
                limits.push(found.id);
            }
            let input = NewAccount { email, display_name: name.unwrap_or_default(), role, password };
            match essaim_core::domain::scope::create_limited_account(&mut conn, &input, &limits, None) {
                Ok(account) => {
                    let scope = if limits.is_empty() || account.role == essaim_core::domain::Role::Admin {
                        "toutes les consultations".to_owned()
                    } else {
                        consultations.join(", ")
                    };
                    println!("Compte créé : {} ({}) — {scope}", account.email, account.role.label());
                    Ok(())
                }
                Err(CoreError::Validation(errors)) => {
                    Err(errors.0.iter().map(|e| format!("{} : {}", e.field, e.message)).collect::<Vec<_>>().join(" ; "))
                }
                Err(other) => Err(other.to_string()),
            }
        }
        Command::Import { what: ImportCommand::Contributions { file, consultation, new_consultation } } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            import::contributions(&mut conn, &file, consultation, new_consultation)
        }
        Command::Synthesize { consultation, theme, groups, format, out } => {
            let formats = essaim_synthesis::export::Format::parse_list(&format)?;
            if groups == Some(0) {
                return Err("--groups doit valoir au moins 1".into());
            }
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            synthesize::run(&mut conn, &consultation, theme.as_deref(), groups, &formats, &out)
        }
        Command::Responses { action: ResponsesCommand::Export { consultation, format, out } } => {
            let format = responses::check_export(&format, out.as_deref())?;
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            responses::export(&mut conn, &consultation, format, out.as_deref())
        }
        Command::Responses { action: ResponsesCommand::SeedDemo { consultation, count } } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            responses::seed_demo(&mut conn, &consultation, count)
        }
        Command::Questionnaire { action } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let out = match action {
                QuestionnaireCommand::Export { consultation } => {
                    questionnaire::export_definition(&mut conn, &consultation)?
                }
                QuestionnaireCommand::Import { consultation, file } => {
                    questionnaire::import_definition(&mut conn, &consultation, &file)?
                }
            };
            print!("{}", if out.ends_with('\n') { out } else { format!("{out}\n") });
            Ok(())
        }
        Command::Purge { consultation, dry_run } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let id = essaim_core::domain::consultation::find_consultation(&mut conn, &consultation)
                .map_err(|e| refusal_line(&e))?
                .id;
            let done = essaim_contributions::retention::purge_consultation(&mut conn, id, dry_run)
                .map_err(|e| refusal_line(&e))?;
            let verb = if dry_run { "Seraient purgés" } else { "Purgés" };
            println!("{verb} pour « {consultation} » :");
            println!("  adresses e-mail : {}", done.addresses);
            println!("  liens (invitation, reprise, suivi) : {}", done.links);
            println!("  courriels envoyés (copies) : {}", done.mails);
            println!("  compteurs d'envoi : {}", done.counters);
            if dry_run {
                println!("Rien n'a été effacé (--dry-run).");
            }
            Ok(())
        }
        Command::PublicAddress { url } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            match url {
                Some(url) => {
                    let kept = essaim_core::domain::installation::set_public_address(&mut conn, &url)
                        .map_err(|e| refusal_line(&e))?;
                    println!("Adresse publique retenue : {kept}");
                }
                None => {
                    match essaim_core::domain::installation::public_address(&mut conn).map_err(|e| e.to_string())? {
                        Some(address) => println!("{address}"),
                        None => return Err("aucune adresse publique retenue : essaim public-address https://…".into()),
                    }
                }
            }
            Ok(())
        }
        Command::Invitations { action } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            // The links lead to the server people use: the address given for this run, else
            // the one the installation keeps; never a guess.
            let given = std::env::var("ESSAIM_BASE_URL").ok();
            let base_url = essaim_core::domain::installation::address_for_mail(&mut conn, given.as_deref())
                .map_err(|e| refusal_line(&e))?;
            let out = match action {
                InvitationsCommand::Send { consultation, file } => {
                    questionnaire::send_invitations(&mut conn, &consultation, &file, &base_url)?
                }
                InvitationsCommand::Remind { consultation, interval_hours } => {
                    questionnaire::send_reminders(&mut conn, &consultation, interval_hours, &base_url)?
                }
            };
            println!("{out}");
            Ok(())
        }
        Command::Publication { action } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let out = match action {
                PublicationCommand::Publish { consultation } => {
                    let given = std::env::var("ESSAIM_BASE_URL").ok();
                    publication::publish(&mut conn, &consultation, given.as_deref())?
                }
                PublicationCommand::Withdraw { consultation } => publication::withdraw(&mut conn, &consultation)?,
            };
            println!("{out}");
            Ok(())
        }
        Command::Consultation { action: ConsultationCommand::Schema } => {
            print!("{}", essaim_core::domain::setup::schema());
            Ok(())
        }
        Command::Consultation { action } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let out = match action {
                ConsultationCommand::List => consultation::list(&mut conn)?,
                ConsultationCommand::Export { slug } => consultation::export(&mut conn, &slug)?,
                ConsultationCommand::Import { file } => consultation::import(&mut conn, &file)?,
                ConsultationCommand::Schema => essaim_core::domain::setup::schema(),
                ConsultationCommand::State { slug, state } => consultation::set_state(&mut conn, &slug, &state)?,
                ConsultationCommand::Retention { slug, days } => consultation::set_retention(&mut conn, &slug, days)?,
            };
            print!("{out}");
            Ok(())
        }
        Command::User { action: UserCommand::List } => {
            let pool = open_database(&config.database_url).map_err(|e| e.to_string())?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            for account in list_accounts(&mut conn).map_err(|e| e.to_string())? {
                println!("{}\t{}\t{}", account.email, account.role.as_str(), account.display_name);
            }
            Ok(())
        }
    }
}

/// A core refusal as one line: a validation's messages, or the error itself.
fn refusal_line(error: &CoreError) -> String {
    match error {
        CoreError::Validation(errors) => errors.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" ; "),
        other => other.to_string(),
    }
}

fn read_password_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("lecture de l'entrée standard : {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn prompt_password_twice() -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return Err("aucun terminal pour saisir le mot de passe : utilisez --password-stdin".into());
    }
    let first = rpassword::prompt_password("Mot de passe : ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("Confirmez le mot de passe : ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("les deux saisies du mot de passe diffèrent".into());
    }
    Ok(first)
}

/// Lines printed by `serve --demo`: the address and the demo accounts.
pub fn demo_banner(base_url: &str) -> String {
    let mut text = format!("Essaim est prêt : {base_url}/\nConsultation de démonstration : {base_url}/consultations/{DEMO_SLUG}\nComptes de démonstration :\n");
    for (role, email, _, password) in DEMO_ACCOUNTS {
        text.push_str(&format!("  {role:<12} {email:<28} mot de passe : {password}\n"));
    }
    text
}
