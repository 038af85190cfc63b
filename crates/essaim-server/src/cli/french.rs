//! The command line's help and errors in French. clap writes its own words in English
//! ("Print help", "Usage:", "error: unexpected argument"): the help and version flags are ours,
//! headings and the usage line come from a French template, and the few sentences clap still
//! writes itself are said again in French before they are shown.

use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};

/// The help of a command, in French.
const TEMPLATE: &str = "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// A command and its subcommands, with French help.
pub fn command(cmd: Command) -> Command {
    let root = cmd.get_name() == "essaim";
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        // clap puts the colon right after a heading; French wants a space before it.
        .subcommand_help_heading("Commandes ")
        .subcommand_value_name("COMMANDE")
        .help_template(TEMPLATE)
        .arg(Arg::new("aide").short('h').long("help").action(ArgAction::Help).help("Affiche cette aide"));
    if root {
        cmd = cmd
            .disable_version_flag(true)
            .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("Affiche la version"));
    }
    cmd.mut_args(|arg| {
        let heading = if arg.is_positional() { "Arguments " } else { "Options " };
        let arg = arg.help_heading(heading);
        match value_name(arg.get_id().as_str()) {
            Some(name) => arg.value_name(name),
            None => arg,
        }
    })
    .mut_subcommands(command)
}

/// The French name of a value in the usage line, by the argument's id (the others are already
/// French or a code: CONSULTATION, FORMAT, EMAIL).
fn value_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "file" => "FICHIER",
        "database_url" => "URL",
        "slug" => "IDENTIFIANT",
        "commande" => "COMMANDE",
        "out" => "CHEMIN",
        "bind" => "ADRESSE",
        "name" => "NOM",
        "theme" => "THÈME",
        "groups" | "count" => "NOMBRE",
        "interval_hours" => "HEURES",
        "new_consultation" => "TITRE",
        _ => return None,
    })
}

/// What clap says clap's way, said in French: its own sentences and the usage's tokens.
pub fn words(text: &str) -> String {
    const SAID: [(&str, &str); 15] = [
        ("[default: ", "[par défaut : "),
        ("[env: ", "[variable d'environnement : "),
        ("error: ", "erreur : "),
        ("Usage: ", "Utilisation : "),
        ("[OPTIONS]", "[options]"),
        ("tip: ", "conseil : "),
        ("For more information, try '--help'.", "Pour en savoir plus : --help."),
        ("unrecognized subcommand", "commande inconnue"),
        ("unexpected argument", "argument inattendu"),
        ("' found", "'"),
        ("a similar subcommand exists:", "une commande proche existe :"),
        ("a similar argument exists:", "une option proche existe :"),
        ("the following required arguments were not provided:", "ces arguments obligatoires manquent :"),
        ("invalid value", "valeur invalide"),
        ("requires a subcommand but one was not provided", "attend une commande"),
    ];
    SAID.iter().fold(text.to_owned(), |text, (english, french)| text.replace(english, french))
}

/// Shows what clap refused or was asked (help, version), in French, and the exit status.
pub fn answer(error: clap::Error) -> ExitCode {
    let text = words(&error.render().to_string());
    if error.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    ExitCode::from(error.exit_code().clamp(0, 255) as u8)
}
