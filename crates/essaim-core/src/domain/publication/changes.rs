//! What changed from one published version to the next: orientations added, removed,
//! retitled, rewritten, or judged differently by the plenary.

use serde::{Deserialize, Serialize};

use super::Snapshot;
use crate::db::Id;

/// An orientation named in a list of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedOrientation {
    /// The orientation.
    pub id: Id,
    /// Its title (the new one when it changed).
    pub title: String,
}

/// An orientation whose title changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retitled {
    /// The orientation.
    pub id: Id,
    /// Its title in the previous version.
    pub before: String,
    /// Its title now.
    pub after: String,
}

/// The changes of a version against the one before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The previous version's number (none for the first).
    #[serde(default)]
    pub previous_version: Option<i32>,
    /// Orientations published now and not before.
    #[serde(default)]
    pub added: Vec<ChangedOrientation>,
    /// Orientations published before and not now.
    #[serde(default)]
    pub removed: Vec<ChangedOrientation>,
    /// Orientations whose title changed.
    #[serde(default)]
    pub retitled: Vec<Retitled>,
    /// Orientations whose text, amendments or verdict changed.
    #[serde(default)]
    pub rewritten: Vec<ChangedOrientation>,
}

impl Changes {
    /// True when nothing changed against a previous version (a first version is a change).
    pub fn is_empty(&self) -> bool {
        self.previous_version.is_some()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.retitled.is_empty()
            && self.rewritten.is_empty()
    }

    /// One French line for lists of versions.
    pub fn summary(&self) -> String {
        if self.previous_version.is_none() {
            return "Première publication.".into();
        }
        if self.is_empty() {
            return "Aucun changement des orientations.".into();
        }
        let mut parts = Vec::new();
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
        if !self.added.is_empty() {
            parts.push(count(self.added.len(), "orientation ajoutée", "orientations ajoutées"));
        }
        if !self.removed.is_empty() {
            parts.push(count(self.removed.len(), "orientation retirée", "orientations retirées"));
        }
        if !self.retitled.is_empty() {
            parts.push(count(self.retitled.len(), "orientation renommée", "orientations renommées"));
        }
        if !self.rewritten.is_empty() {
            parts.push(count(self.rewritten.len(), "orientation modifiée", "orientations modifiées"));
        }
        format!("{}.", parts.join(", "))
    }
}

/// The changes from `previous` (none: a first version) to `next`.
pub fn changes_between(previous: Option<(i32, &Snapshot)>, next: &Snapshot) -> Changes {
    let Some((version, previous)) = previous else {
        return Changes::default();
    };
    let mut changes = Changes { previous_version: Some(version), ..Default::default() };
    for (_, now) in next.orientations() {
        match previous.orientation(now.id) {
            None => changes.added.push(ChangedOrientation { id: now.id, title: now.title.clone() }),
            Some((_, before)) => {
                if before.title != now.title {
                    changes.retitled.push(Retitled {
                        id: now.id,
                        before: before.title.clone(),
                        after: now.title.clone(),
                    });
                }
                if before.text != now.text || before.amendments != now.amendments || before.verdict != now.verdict {
                    changes.rewritten.push(ChangedOrientation { id: now.id, title: now.title.clone() });
                }
            }
        }
    }
    for (_, before) in previous.orientations() {
        if next.orientation(before.id).is_none() {
            changes.removed.push(ChangedOrientation { id: before.id, title: before.title.clone() });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::publication::{PublishedOrientation, PublishedTheme, Support};

    fn orientation(id: Id, title: &str) -> PublishedOrientation {
        PublishedOrientation {
            id,
            title: title.into(),
            text: String::new(),
            verdict: None,
            votes: None,
            amendments: Vec::new(),
            support: Support::default(),
            quotes: Vec::new(),
            contributions: Vec::new(),
        }
    }

    fn snapshot(orientations: Vec<PublishedOrientation>) -> Snapshot {
        Snapshot {
            consultation_title: "C".into(),
            organisers: String::new(),
            themes: vec![PublishedTheme { id: Id::new(), position: 1, title: "T".into(), orientations }],
        }
    }

    #[test]
    fn a_first_version_has_no_previous_and_says_so() {
        let changes = changes_between(None, &snapshot(vec![orientation(Id::new(), "A")]));
        assert_eq!(changes, Changes::default());
        assert_eq!(changes.summary(), "Première publication.");
    }

    #[test]
    fn added_removed_and_retitled_orientations_are_listed() {
        let (kept, gone, new) = (Id::new(), Id::new(), Id::new());
        let before = snapshot(vec![orientation(kept, "Ancien titre"), orientation(gone, "Retirée")]);
        let mut rewritten = orientation(kept, "Nouveau titre");
        rewritten.text = "Un texte".into();
        let after = snapshot(vec![rewritten, orientation(new, "Ajoutée")]);
        let changes = changes_between(Some((1, &before)), &after);
        assert_eq!(changes.previous_version, Some(1));
        assert_eq!(changes.added, vec![ChangedOrientation { id: new, title: "Ajoutée".into() }]);
        assert_eq!(changes.removed, vec![ChangedOrientation { id: gone, title: "Retirée".into() }]);
        assert_eq!(
            changes.retitled,
            vec![Retitled { id: kept, before: "Ancien titre".into(), after: "Nouveau titre".into() }]
        );
        assert_eq!(changes.rewritten.len(), 1);
        assert_eq!(
            changes.summary(),
            "1 orientation ajoutée, 1 orientation retirée, 1 orientation renommée, 1 orientation modifiée."
        );
        assert!(changes_between(Some((2, &after)), &after).is_empty());
    }
}
