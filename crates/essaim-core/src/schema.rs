//! Diesel schema, written by hand to stay portable: every id column is [`SqlUuid`], every
//! instant a `Timestamp` in UTC. Must match both `migrations/sqlite` and `migrations/postgresql`.
#![allow(missing_docs)]

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    consultations (id) {
        id -> SqlUuid,
        slug -> Text,
        title -> Text,
        region -> Text,
        description -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        retention_until -> Nullable<Date>,
        created_at -> Timestamp,
        organisers -> Text,
        state -> Text,
        time_zone -> Text,
        sender_name -> Text,
        sender_address -> Text,
        setup_version -> Integer,
        personal_data_days -> Integer,
        closed_at -> Nullable<Timestamp>,
        personal_data_purged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    consultation_legal_families (consultation_id, legal_family) {
        consultation_id -> SqlUuid,
        legal_family -> Text,
        position -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    phases (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        position -> Integer,
        kind -> Text,
        title -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        location -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    themes (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        position -> Integer,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    territories (id) {
        id -> SqlUuid,
        code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    consultation_territories (consultation_id, territory_id) {
        consultation_id -> SqlUuid,
        territory_id -> SqlUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    organisations (id) {
        id -> SqlUuid,
        name -> Text,
        legal_family -> Text,
        siret -> Nullable<Text>,
        territory_id -> Nullable<SqlUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    accounts (id) {
        id -> SqlUuid,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    sessions (id) {
        id -> SqlUuid,
        token_hash -> Text,
        account_id -> SqlUuid,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    login_failures (id) {
        id -> SqlUuid,
        account_key -> Text,
        ip -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    contributions (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        theme_id -> Nullable<SqlUuid>,
        kind -> Text,
        channel -> Text,
        body -> Text,
        author_kind -> Text,
        organisation_id -> Nullable<SqlUuid>,
        author_name -> Nullable<Text>,
        territory_id -> Nullable<SqlUuid>,
        logged_by -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        moderation_status -> Text,
        external_ref -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        moderated_by -> Nullable<SqlUuid>,
        moderated_at -> Nullable<Timestamp>,
        moderation_note -> Nullable<Text>,
        duplicate_of -> Nullable<SqlUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    audit_log (id) {
        id -> SqlUuid,
        occurred_at -> Timestamp,
        actor_id -> Nullable<SqlUuid>,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::joinable!(phases -> consultations (consultation_id));
diesel::joinable!(consultation_legal_families -> consultations (consultation_id));
diesel::joinable!(themes -> consultations (consultation_id));
diesel::joinable!(consultation_territories -> consultations (consultation_id));
diesel::joinable!(consultation_territories -> territories (territory_id));
diesel::joinable!(organisations -> territories (territory_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(contributions -> consultations (consultation_id));
diesel::joinable!(contributions -> themes (theme_id));
diesel::joinable!(contributions -> organisations (organisation_id));
diesel::joinable!(contributions -> territories (territory_id));
diesel::joinable!(audit_log -> accounts (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    consultations,
    consultation_legal_families,
    phases,
    themes,
    territories,
    consultation_territories,
    organisations,
    accounts,
    sessions,
    login_failures,
    contributions,
    audit_log,
    synthesis_runs,
    orientations,
    orientation_members,
    jobs,
    outbox,
    questionnaires,
    questionnaire_versions,
    invitations,
    responses,
    response_contributions,
    follows,
    follow_contributions,
    access_links,
    workshops,
    workshop_facilitators,
    workshop_entries,
    stands,
    stand_contributions,
    passport_stamps,
    throttle_hits,
    plenaries,
    plenary_items,
    plenary_devices,
    plenary_votes,
    plenary_voting_codes,
    plenary_amendments,
    installation_secrets,
);

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    jobs (id) {
        id -> SqlUuid,
        kind -> Text,
        subject -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        created_by -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        heartbeat_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        worker -> Nullable<Text>,
        error -> Nullable<Text>,
        result -> Nullable<Text>,
        reported_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    outbox (id) {
        id -> SqlUuid,
        topic -> Text,
        recipient -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Nullable<Text>,
        state -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sender_name -> Nullable<Text>,
        sender_address -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    synthesis_runs (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        theme_id -> SqlUuid,
        parameters -> Text,
        input_sha256 -> Text,
        software_version -> Text,
        summary -> Text,
        started_by -> Nullable<SqlUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    orientations (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        theme_id -> SqlUuid,
        run_id -> Nullable<SqlUuid>,
        title -> Text,
        body -> Text,
        key_phrases -> Text,
        quotes -> Text,
        origin -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        body_proposed -> Bool,
        stances -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    orientation_members (contribution_id) {
        contribution_id -> SqlUuid,
        orientation_id -> Nullable<SqlUuid>,
        set_aside_reason -> Nullable<Text>,
        placed_by -> Text,
    }
}

diesel::joinable!(orientations -> themes (theme_id));
diesel::joinable!(orientation_members -> orientations (orientation_id));
diesel::joinable!(orientation_members -> contributions (contribution_id));

diesel::allow_columns_to_appear_in_same_group_by_clause!(orientation_members::orientation_id, contributions::channel);

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    questionnaires (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    questionnaire_versions (id) {
        id -> SqlUuid,
        questionnaire_id -> SqlUuid,
        number -> Integer,
        definition -> Text,
        created_by -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    invitations (id) {
        id -> SqlUuid,
        questionnaire_id -> SqlUuid,
        organisation -> Text,
        email -> Text,
        territory_id -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        opened_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    responses (id) {
        id -> SqlUuid,
        questionnaire_id -> SqlUuid,
        version_id -> SqlUuid,
        invitation_id -> Nullable<SqlUuid>,
        answers -> Text,
        revision -> Integer,
        status -> Text,
        submit_key -> Nullable<Text>,
        email -> Nullable<Text>,
        territory_id -> Nullable<SqlUuid>,
        legal_family -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        follow_id -> Nullable<SqlUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    response_contributions (contribution_id) {
        contribution_id -> SqlUuid,
        response_id -> SqlUuid,
        question_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    follows (id) {
        id -> SqlUuid,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    follow_contributions (follow_id, contribution_id) {
        follow_id -> SqlUuid,
        contribution_id -> SqlUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    access_links (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        invitation_id -> Nullable<SqlUuid>,
        response_id -> Nullable<SqlUuid>,
        follow_id -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(questionnaires -> consultations (consultation_id));
diesel::joinable!(questionnaire_versions -> questionnaires (questionnaire_id));
diesel::joinable!(invitations -> questionnaires (questionnaire_id));
diesel::joinable!(invitations -> territories (territory_id));
diesel::joinable!(responses -> questionnaires (questionnaire_id));
diesel::joinable!(responses -> questionnaire_versions (version_id));
diesel::joinable!(responses -> invitations (invitation_id));
diesel::joinable!(response_contributions -> responses (response_id));
diesel::joinable!(response_contributions -> contributions (contribution_id));
diesel::joinable!(follow_contributions -> follows (follow_id));
diesel::joinable!(follow_contributions -> contributions (contribution_id));

// ----- Stands (issue 9) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    stands (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        theme_id -> SqlUuid,
        code -> Text,
        position -> Integer,
        title -> Text,
        organisation -> Text,
        description -> Text,
        location -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    stand_contributions (contribution_id) {
        contribution_id -> SqlUuid,
        stand_id -> SqlUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    passport_stamps (passport_hash, stand_id) {
        passport_hash -> Text,
        stand_id -> SqlUuid,
        stamped_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    throttle_hits (key, window_start, shard) {
        key -> Text,
        window_start -> Timestamp,
        count -> Integer,
        shard -> Integer,
    }
}

diesel::joinable!(stands -> consultations (consultation_id));
diesel::joinable!(stands -> themes (theme_id));
diesel::joinable!(stand_contributions -> stands (stand_id));
diesel::joinable!(stand_contributions -> contributions (contribution_id));
diesel::joinable!(passport_stamps -> stands (stand_id));

// ----- Workshops (issue 9) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    workshops (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        theme_id -> SqlUuid,
        phase -> Text,
        place -> Text,
        starts_at -> Nullable<Timestamp>,
        state -> Text,
        headcount -> Nullable<Integer>,
        organisations_present -> Text,
        report -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    workshop_facilitators (workshop_id, account_id) {
        workshop_id -> SqlUuid,
        account_id -> SqlUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    workshop_entries (id) {
        id -> SqlUuid,
        workshop_id -> SqlUuid,
        contribution_id -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<SqlUuid>,
    }
}

diesel::joinable!(workshops -> consultations (consultation_id));
diesel::joinable!(workshops -> themes (theme_id));
diesel::joinable!(workshop_facilitators -> workshops (workshop_id));
diesel::joinable!(workshop_facilitators -> accounts (account_id));
diesel::joinable!(workshop_entries -> workshops (workshop_id));
diesel::joinable!(workshop_entries -> contributions (contribution_id));

// ----- Plenary (issue 9) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenaries (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        code -> Text,
        results_mode -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        attendance -> Nullable<Integer>,
        codes_required -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenary_items (id) {
        id -> SqlUuid,
        plenary_id -> SqlUuid,
        orientation_id -> SqlUuid,
        vote_state -> Text,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        verdict -> Nullable<Text>,
        verdict_at -> Nullable<Timestamp>,
        verdict_by -> Nullable<SqlUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenary_devices (id) {
        id -> SqlUuid,
        token_hash -> Text,
        created_at -> Timestamp,
        plenary_id -> Nullable<SqlUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenary_votes (id) {
        id -> SqlUuid,
        item_id -> SqlUuid,
        device_id -> SqlUuid,
        choice -> Text,
        amendment -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenary_amendments (contribution_id) {
        contribution_id -> SqlUuid,
        item_id -> SqlUuid,
        orientation_id -> SqlUuid,
        vote_id -> Nullable<SqlUuid>,
        retained_by -> Nullable<SqlUuid>,
        retained_at -> Timestamp,
    }
}

diesel::joinable!(plenaries -> consultations (consultation_id));
diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    plenary_voting_codes (id) {
        id -> SqlUuid,
        plenary_id -> SqlUuid,
        number -> Integer,
        code -> Text,
        device_id -> Nullable<SqlUuid>,
        created_at -> Timestamp,
        redeemed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(plenary_items -> plenaries (plenary_id));
diesel::joinable!(plenary_items -> orientations (orientation_id));
diesel::joinable!(plenary_votes -> plenary_items (item_id));
diesel::joinable!(plenary_votes -> plenary_devices (device_id));
diesel::joinable!(plenary_devices -> plenaries (plenary_id));
diesel::joinable!(plenary_voting_codes -> plenaries (plenary_id));
diesel::joinable!(plenary_voting_codes -> plenary_devices (device_id));
diesel::joinable!(plenary_amendments -> plenary_items (item_id));
diesel::joinable!(plenary_amendments -> contributions (contribution_id));

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    account_consultations (account_id, consultation_id) {
        account_id -> SqlUuid,
        consultation_id -> SqlUuid,
    }
}

diesel::table! {
    installation_settings (name) {
        name -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    installation_secrets (name) {
        name -> Text,
        secret -> Text,
        created_at -> Timestamp,
    }
}

// ----- Mail texts per consultation (issue 17, item 6) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    consultation_mail_texts (consultation_id, kind) {
        consultation_id -> SqlUuid,
        kind -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(consultation_mail_texts -> consultations (consultation_id));
diesel::allow_tables_to_appear_in_same_query!(consultation_mail_texts, consultations);

// ----- Look and legal pages (issue 17 item 8) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    consultation_looks (consultation_id) {
        consultation_id -> SqlUuid,
        accent_colour -> Nullable<Text>,
        logo -> Nullable<Binary>,
        logo_alt -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    legal_pages (consultation_id, kind) {
        consultation_id -> SqlUuid,
        kind -> Text,
        body -> Text,
        updated_at -> Timestamp,
    }
}

// ----- The published strategy and the suite donnée (issue 18, items 1 and 2) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    publications (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        version -> Integer,
        published_at -> Timestamp,
        published_by -> Nullable<SqlUuid>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<SqlUuid>,
        snapshot -> Text,
        changes -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    contribution_answers (contribution_id) {
        contribution_id -> SqlUuid,
        consultation_id -> SqlUuid,
        answer -> Text,
        orientation_id -> Nullable<SqlUuid>,
        text -> Text,
        origin -> Text,
        set_by -> Nullable<SqlUuid>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    answer_texts (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        answer -> Text,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    answer_notices (follow_id, contribution_id) {
        follow_id -> SqlUuid,
        contribution_id -> SqlUuid,
        announced -> Text,
        announced_at -> Timestamp,
    }
}

diesel::joinable!(publications -> consultations (consultation_id));
diesel::joinable!(contribution_answers -> contributions (contribution_id));
diesel::joinable!(contribution_answers -> orientations (orientation_id));
diesel::joinable!(answer_texts -> consultations (consultation_id));
diesel::joinable!(answer_notices -> follows (follow_id));
diesel::allow_tables_to_appear_in_same_query!(publications, contribution_answers, answer_texts, answer_notices);
diesel::allow_tables_to_appear_in_same_query!(publications, consultations);
diesel::allow_tables_to_appear_in_same_query!(publications, contributions);
diesel::allow_tables_to_appear_in_same_query!(publications, orientations);
diesel::allow_tables_to_appear_in_same_query!(publications, orientation_members);
diesel::allow_tables_to_appear_in_same_query!(publications, follows);
diesel::allow_tables_to_appear_in_same_query!(publications, follow_contributions);
diesel::allow_tables_to_appear_in_same_query!(publications, responses);
diesel::allow_tables_to_appear_in_same_query!(publications, response_contributions);
diesel::allow_tables_to_appear_in_same_query!(publications, themes);
diesel::allow_tables_to_appear_in_same_query!(publications, territories);
diesel::allow_tables_to_appear_in_same_query!(publications, organisations);
diesel::allow_tables_to_appear_in_same_query!(publications, accounts);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, consultations);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, contributions);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, orientations);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, orientation_members);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, follows);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, follow_contributions);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, responses);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, response_contributions);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, themes);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, territories);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, organisations);
diesel::allow_tables_to_appear_in_same_query!(contribution_answers, accounts);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, consultations);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, orientations);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, orientation_members);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, follows);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, follow_contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, responses);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, response_contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, themes);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, territories);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, organisations);
diesel::allow_tables_to_appear_in_same_query!(answer_texts, accounts);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, consultations);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, orientations);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, orientation_members);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, follows);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, follow_contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, responses);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, response_contributions);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, themes);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, territories);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, organisations);
diesel::allow_tables_to_appear_in_same_query!(answer_notices, accounts);

// ----- Commitments of the published strategy (issue 18 item 3) -----

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    commitments (id) {
        id -> SqlUuid,
        consultation_id -> SqlUuid,
        orientation_id -> SqlUuid,
        action -> Text,
        carrier -> Text,
        status -> Text,
        progress -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::SqlUuid;
    commitment_news (id) {
        id -> SqlUuid,
        commitment_id -> SqlUuid,
        happened_on -> Date,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(commitments -> orientations (orientation_id));
diesel::joinable!(commitment_news -> commitments (commitment_id));
diesel::allow_tables_to_appear_in_same_query!(commitments, commitment_news);
diesel::allow_tables_to_appear_in_same_query!(commitments, orientations);
diesel::allow_tables_to_appear_in_same_query!(commitments, themes);
