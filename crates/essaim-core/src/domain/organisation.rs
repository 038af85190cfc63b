//! ESS organisations: associations, coopératives, mutuelles, fondations, sociétés commerciales de l'ESS.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::now;
use crate::db::{DbConnection, Id};
use crate::domain::vocab::LegalFamily;
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{organisations, territories};
use crate::validation::{required_text, Siret};

/// An organisation that contributes.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    /// Identifier.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Legal family.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub legal_family: LegalFamily,
    /// SIRET, checked, if given.
    pub siret: Option<String>,
    /// Where it is based.
    pub territory_id: Option<Id>,
    /// When it was recorded.
    pub created_at: NaiveDateTime,
}

/// An organisation as typed in a form or a file.
#[derive(Debug, Clone, Default)]
pub struct NewOrganisation {
    /// Name.
    pub name: String,
    /// Legal family code.
    pub legal_family: String,
    /// SIRET, optional (empty for none).
    pub siret: String,
    /// Territory code, optional (e.g. `44`).
    pub territory_code: String,
}

/// Checks and records an organisation.
pub fn create_organisation(conn: &mut DbConnection, input: &NewOrganisation) -> CoreResult<Organisation> {
    let mut errors = ValidationErrors::default();
    let name =
        required_text(&input.name, "le nom de l'organisation", crate::domain::contribution::MAX_ORGANISATION_CHARS)
            .map_err(|m| errors.add("name", m))
            .ok();
    let family = LegalFamily::parse(input.legal_family.trim());
    if family.is_none() {
        errors.add("legal_family", "Choisissez la famille juridique : association, coopérative, mutuelle, fondation ou société commerciale de l'ESS.");
    }
    let siret = match input.siret.trim() {
        "" => None,
        raw => Siret::parse(raw).map_err(|m| errors.add("siret", m)).ok(),
    };
    let territory_id = match input.territory_code.trim() {
        "" => None,
        code => {
            let found = territories::table
                .filter(territories::code.eq(code))
                .select(territories::id)
                .first::<Id>(conn)
                .optional()?;
            if found.is_none() {
                errors.add("territory", format!("Territoire inconnu : « {code} »."));
            }
            found
        }
    };
    errors.into_result()?;
    let organisation = Organisation {
        id: Id::new(),
        name: name.unwrap_or_default(),
        legal_family: family.unwrap_or(LegalFamily::Association),
        siret: siret.map(|s| s.as_str().to_owned()),
        territory_id,
        created_at: now(),
    };
    if let Some(siret) = &organisation.siret {
        let taken: i64 = organisations::table.filter(organisations::siret.eq(siret)).count().get_result(conn)?;
        if taken > 0 {
            return Err(CoreError::invalid("siret", "Une organisation est déjà enregistrée avec ce SIRET."));
        }
    }
    diesel::insert_into(organisations::table).values(organisation.clone()).execute(conn)?;
    Ok(organisation)
}

/// Every organisation, by name.
pub fn list_organisations(conn: &mut DbConnection) -> CoreResult<Vec<Organisation>> {
    Ok(organisations::table.order(organisations::name.asc()).select(Organisation::as_select()).load(conn)?)
}
