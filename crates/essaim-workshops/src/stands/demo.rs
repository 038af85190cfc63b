//! The demo's treasure-hunt circuit, from the press file of the 2016 conference: the eight
//! PTCE the Région supports, the three incubators of social innovation, FINANSOL and the
//! DASESS with FONDES. The texts say only what the press file says; the places on the
//! circuit are placeholders (docs/demo.md).

use diesel::prelude::*;
use essaim_core::db::{write_transaction, DbConnection};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::schema::stands;
use essaim_core::CoreResult;

use super::{create_stand, StandForm};

/// (theme position, title, organisation, description, location), in circuit order.
pub const DEMO_STANDS: [(i32, &str, &str, &str, &str); 13] = [
    (
        4,
        "Le PTCE du Pays d'Ancenis",
        "COTESS du Pays d'Ancenis",
        "Le comité territorial de l'ESS (COTESS) du Pays d'Ancenis mène l'un des huit pôles territoriaux de coopération économique (PTCE) que soutient la Région : développer la coopération entre acteurs d'un même territoire ou d'une même filière, en Loire-Atlantique.",
        "Allée des territoires, emplacement 1",
    ),
    (
        4,
        "Le PTCE de l'agglomération nantaise",
        "Les Ecossolies",
        "L'association Les Ecossolies mène un pôle territorial de coopération économique (PTCE) sur l'agglomération nantaise, l'un des huit que soutient la Région pour développer la coopération entre acteurs d'un même territoire ou d'une même filière.",
        "Allée des territoires, emplacement 2",
    ),
    (
        4,
        "Le PTCE du Pays de Machecoul, Logne et Grand-Lieu",
        "Village Terre et Vie",
        "L'association « Village Terre et Vie » mène un pôle territorial de coopération économique (PTCE) sur le territoire du Pays de Machecoul, Logne et Grand-Lieu, en Loire-Atlantique, avec le soutien de la Région.",
        "Allée des territoires, emplacement 3",
    ),
    (
        3,
        "Le PTCE de Pontchâteau, Saint-Gildas-des-Bois et Blain",
        "Coopérative Idéal",
        "La Coopérative Idéal mène un pôle territorial de coopération économique (PTCE) sur le territoire de Pontchâteau, Saint-Gildas-des-Bois et Blain : des entreprises qui coopèrent sur un même territoire, pour des emplois non délocalisables.",
        "Allée de l'emploi, emplacement 4",
    ),
    (
        4,
        "Le PTCE de l'IRESA en Maine-et-Loire",
        "IRESA — Inter Réseau de l'Economie Sociale en Anjou",
        "L'Inter Réseau de l'Economie Sociale en Anjou (IRESA) mène le pôle territorial de coopération économique (PTCE) de Maine-et-Loire soutenu par la Région.",
        "Allée des territoires, emplacement 5",
    ),
    (
        1,
        "Le PTCE du Pays du Mans",
        "Club ESS du Pays du Mans",
        "Le Club ESS mène le pôle territorial de coopération économique (PTCE) du Pays du Mans, en Sarthe, avec le soutien de la Région : acteurs de l'ESS et collectivités d'un même territoire, ensemble.",
        "Allée des institutions, emplacement 6",
    ),
    (
        5,
        "Le PTCE de l'agglomération de La Roche-sur-Yon",
        "Label ESS 85",
        "L'association Label ESS 85 mène un pôle territorial de coopération économique (PTCE) sur l'agglomération de La Roche-sur-Yon, en Vendée, et fait connaître les entreprises de l'ESS de son territoire.",
        "Allée de la promotion, emplacement 7",
    ),
    (
        3,
        "Le PTCE de la communauté de communes de Montaigu",
        "Icroacoa",
        "L'association Icroacoa mène un pôle territorial de coopération économique (PTCE) sur la communauté de communes de Montaigu, en Vendée, l'un des huit que soutient la Région.",
        "Allée de l'emploi, emplacement 8",
    ),
    (
        2,
        "L'incubateur des Ecossolies",
        "Les Ecossolies",
        "En Loire-Atlantique, l'incubateur des Ecossolies accompagne les porteurs de projets d'innovation sociale : économie collaborative, économie circulaire ou toute autre forme de mutualisation.",
        "Allée de l'entrepreneuriat, emplacement 9",
    ),
    (
        2,
        "L'incubateur de l'IRESA",
        "IRESA — Inter Réseau de l'Economie Sociale en Anjou",
        "En Maine-et-Loire, l'incubateur de l'Inter Réseau de l'Economie Sociale en Anjou (IRESA) accompagne les acteurs économiques qui veulent développer des modèles d'innovation sociale.",
        "Allée de l'entrepreneuriat, emplacement 10",
    ),
    (
        2,
        "L'incubateur du CEAS",
        "CEAS de la Sarthe",
        "En Sarthe, l'incubateur du Centre d'Etudes et d'Actions Sociales (CEAS) accompagne les projets d'innovation sociale, levier complémentaire face à la crise.",
        "Allée de l'entrepreneuriat, emplacement 11",
    ),
    (
        5,
        "La finance solidaire",
        "FINANSOL",
        "La finance solidaire regroupe l'épargne bancaire solidaire (livrets, contrats d'assurance-vie), l'épargne salariale solidaire et la prise de participation au capital des entreprises solidaires. Flécher cette épargne vers les entreprises du territoire peut compenser la réduction des financements publics ; la Région envisage un partenariat avec FINANSOL.",
        "Allée de la promotion, emplacement 12",
    ),
    (
        1,
        "Le DASESS, dispositif d'accompagnement des entreprises de l'ESS en difficulté",
        "FONDES Pays de la Loire",
        "La Région, associée à FONDES Pays de la Loire, expérimente le DASESS : un accompagnement technique pour élaborer un plan de redressement et un éventuel prêt à court terme. La Caisse des Dépôts, l'État et la Caisse d'épargne en sont parties prenantes.",
        "Allée des institutions, emplacement 13",
    ),
];

/// Puts the demo circuit on the demo consultation (after [`essaim_core::demo::seed_demo`]),
/// unless it has stands already. Returns whether it was created.
pub fn seed_demo_stands(conn: &mut DbConnection) -> CoreResult<bool> {
    let consultation = find_consultation(conn, DEMO_SLUG)?;
    write_transaction(conn, |conn| {
        let present: i64 =
            stands::table.filter(stands::consultation_id.eq(consultation.id)).count().get_result(conn)?;
        if present > 0 {
            return Ok(false);
        }
        for (index, (theme, title, organisation, description, location)) in DEMO_STANDS.iter().enumerate() {
            let form = StandForm {
                theme: theme.to_string(),
                position: (index + 1).to_string(),
                title: (*title).into(),
                organisation: (*organisation).into(),
                description: (*description).into(),
                location: (*location).into(),
            };
            create_stand(conn, &consultation, &form, None)?;
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stands::stands_of;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn the_demo_circuit_is_seeded_once_on_every_theme() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        assert!(seed_demo_stands(&mut conn).unwrap());
        assert!(!seed_demo_stands(&mut conn).unwrap(), "idempotent");
        let stands = stands_of(&mut conn, consultation).unwrap();
        assert_eq!(stands.len(), 13);
        for theme in &themes {
            assert!(stands.iter().any(|s| s.theme_id == theme.id), "theme {} has a stand", theme.position);
        }
        let positions: Vec<i32> = stands.iter().map(|s| s.position).collect();
        assert_eq!(positions, (1..=13).collect::<Vec<_>>());
        let mut codes: Vec<&str> = stands.iter().map(|s| s.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 13);
    }
}
