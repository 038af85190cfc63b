//! The command line speaks French throughout: every command's help, walked from `essaim
//! --help`, and clap's own errors.

use std::process::Command;

fn essaim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_essaim")).args(args).env("ESSAIM_LOG", "warn").output().expect("essaim runs")
}

/// The English words clap writes unless told otherwise.
const ENGLISH: [&str; 9] =
    ["Print", "Usage:", "Commands:", "Options:", "Arguments:", "error:", "[default:", "[env:", "[OPTIONS]"];

/// The subcommands a help lists under « Commandes : ».
fn subcommands(help: &str) -> Vec<String> {
    help.split("Commandes :\n")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .take_while(|l| l.starts_with("  "))
                .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_help_is_in_french() {
    let mut queue = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = essaim(&args);
        assert!(out.status.success(), "essaim {args:?}");
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(help.contains("Utilisation : essaim"), "{help}");
        assert!(help.contains("-h, --help") && help.contains("Affiche cette aide"), "{help}");
        for word in ENGLISH {
            assert!(!help.contains(word), "« {word} » in the help of essaim {path:?}:\n{help}");
        }
        seen += 1;
        for name in subcommands(&help) {
            let mut next = path.clone();
            next.push(name);
            queue.push(next);
        }
    }
    assert!(seen > 20, "every command walked ({seen})");

    let asked = essaim(&["help", "consultation", "import"]);
    let text = String::from_utf8_lossy(&asked.stdout);
    assert!(
        asked.status.success() && text.contains("Utilisation : essaim consultation import [options] <FICHIER>"),
        "{text}"
    );
}

#[test]
fn clap_errors_are_in_french_with_status_2() {
    let out = essaim(&["nimportequoi"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("erreur : commande inconnue 'nimportequoi'"), "{said}");
    assert!(said.contains("Pour en savoir plus : --help."), "{said}");
    let out = essaim(&["consultation", "import"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("ces arguments obligatoires manquent") && said.contains("<FICHIER>"), "{said}");
    for word in ENGLISH {
        assert!(!said.contains(word), "« {word} »: {said}");
    }
}
