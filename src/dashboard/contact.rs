//! Need to know: a reporter's contact details are shown only to the editors of the report's desk
//! and to admins, on pages, in the API and in exports alike, and every showing is recorded (who,
//! which report, where, when). Everyone else sees that details exist and who may see them.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{Editor, repo};
use crate::i18n::Messages;
use crate::reports::repo::ReportRow;
use crate::routing::Routing;
use crate::storage::{Db, StorageError, now};

/// How a reporter can be reached: everything the need-to-know rule covers. A new way to reach a
/// reporter (a phone number) is one more field here, and so joins every page, answer and export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReporterContact {
    pub name: Option<String>,
    pub email: Option<String>,
    /// Phone, letter and in-person reports: the number the caller agreed to leave.
    pub phone: Option<String>,
}

impl ReporterContact {
    /// The CSV columns of [`ReporterContact::cells`], in order.
    pub const COLUMNS: &'static [&'static str] =
        &["reporter_name", "reporter_email", "reporter_phone"];

    pub fn of(report: &ReportRow) -> Self {
        let given = |v: &Option<String>| v.as_ref().filter(|v| !v.trim().is_empty()).cloned();
        Self {
            name: given(&report.reporter_name),
            email: given(&report.reporter_email),
            phone: given(&report.reporter_phone),
        }
    }

    /// Every field, in the order of [`ReporterContact::COLUMNS`].
    fn fields(&self) -> [&Option<String>; 3] {
        [&self.name, &self.email, &self.phone]
    }

    pub fn is_empty(&self) -> bool {
        self.values().next().is_none()
    }

    /// The details given, in display order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.fields().into_iter().flatten().map(String::as_str)
    }

    /// One CSV cell per column of [`ReporterContact::COLUMNS`].
    pub fn cells(&self) -> Vec<String> {
        self.fields()
            .into_iter()
            .map(|v| v.clone().unwrap_or_default())
            .collect()
    }
}

/// What one editor may see of one report's reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactView {
    /// The reporter left no contact details (anonymous).
    None,
    Shown(ReporterContact),
    /// Details exist but are not for this editor; `desk` is the name of the desk they are for
    /// (none: the report is on no desk, so admins only).
    Withheld {
        desk: Option<String>,
    },
}

impl ContactView {
    /// What `editor` may see of the reporter of `report`.
    pub fn of(editor: &Editor, report: &ReportRow, routing: &Routing) -> Self {
        let contact = ReporterContact::of(report);
        if contact.is_empty() {
            Self::None
        } else if editor.may_see_contact(report.desk_id) {
            Self::Shown(contact)
        } else {
            Self::Withheld {
                desk: report
                    .desk_id
                    .and_then(|id| routing.desk_by_id(id))
                    .map(|d| d.name.clone()),
            }
        }
    }

    /// `none`, `shown` or `withheld`: stable, for API clients and CSV readers.
    pub fn state(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Shown(_) => "shown",
            Self::Withheld { .. } => "withheld",
        }
    }

    pub fn is_shown(&self) -> bool {
        matches!(self, Self::Shown(_))
    }

    /// Whom withheld details are for, in words; empty unless withheld.
    pub fn withheld_note(&self, t: &Messages) -> String {
        match self {
            Self::Withheld { desk: Some(desk) } => {
                t.t_with("desk-report-contact_withheld_desk", &[("desk", desk)])
            }
            Self::Withheld { desk: None } => t.t("desk-report-contact_withheld_admins").to_string(),
            _ => String::new(),
        }
    }

    /// The details this editor may see; empty ones otherwise (every field present, so that the
    /// shape of an answer does not depend on who asks).
    pub fn contact(&self) -> ReporterContact {
        match self {
            Self::Shown(contact) => contact.clone(),
            _ => ReporterContact::default(),
        }
    }
}

/// Where contact details were shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Page,
    Api,
    Csv,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
            Self::Csv => "csv",
        }
    }
}

/// Records that `editor` is being shown one report's contact details. Called before the answer
/// leaves: when the record cannot be written, the details are not shown either.
pub async fn record_read(
    db: &Db,
    editor: &Editor,
    report_id: i64,
    place: Place,
) -> Result<(), StorageError> {
    let user_id = editor.id;
    db.write(move |conn| {
        repo::insert_contact_read(
            conn,
            &repo::NewContactRead {
                user_id,
                report_id: Some(report_id),
                place: place.as_str(),
                report_count: 1,
                detail: None,
                at: now(),
            },
        )
        .map(|_| ())
        .map_err(StorageError::from)
    })
    .await
}

/// The record of one export: written with the first rows that carry contact details and counted
/// up with each further batch, always before the batch is sent.
pub struct ExportRecord {
    user_id: i64,
    /// What was exported (the filter), for whoever reads the record.
    detail: String,
    id: Option<i64>,
}

impl ExportRecord {
    pub fn new(editor: &Editor, detail: String) -> Self {
        Self {
            user_id: editor.id,
            detail,
            id: None,
        }
    }

    /// Adds `shown` reports whose details are about to be sent.
    pub async fn add(&mut self, db: &Db, shown: i64) -> Result<(), StorageError> {
        if shown == 0 {
            return Ok(());
        }
        let (id, user_id, detail) = (self.id, self.user_id, self.detail.clone());
        self.id = Some(
            db.write(move |conn| {
                match id {
                    Some(id) => repo::add_to_contact_read(conn, id, shown).map(|_| id),
                    None => repo::insert_contact_read(
                        conn,
                        &repo::NewContactRead {
                            user_id,
                            report_id: None,
                            place: Place::Csv.as_str(),
                            report_count: shown,
                            detail: Some(&detail),
                            at: now(),
                        },
                    ),
                }
                .map_err(StorageError::from)
            })
            .await?,
        );
        Ok(())
    }
}

/// One showing of a report's contact details, for the admins' view of the report.
pub struct ContactRead {
    pub reader: String,
    pub place: String,
    pub at: NaiveDateTime,
}

/// The latest showings of one report's contact details, newest first.
pub async fn reads_of(db: &Db, report_id: i64) -> Result<Vec<ContactRead>, StorageError> {
    db.read(move |conn| {
        Ok(repo::contact_reads_of(conn, report_id, 100)?
            .into_iter()
            .map(|(reader, place, at)| ContactRead { reader, place, at })
            .collect())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::accounts::Role;

    fn editor(role: Role, desk_ids: Vec<i64>) -> Editor {
        Editor {
            id: 1,
            email: "ed@example.com".into(),
            display_name: "Ed".into(),
            role,
            desk_ids,
        }
    }

    #[test]
    fn contact_is_for_the_reports_desk_and_admins() {
        let world = editor(Role::Editor, vec![2]);
        assert!(world.may_see_contact(Some(2)));
        assert!(!world.may_see_contact(Some(3)));
        assert!(!world.may_see_contact(None), "no desk: admins only");
        let admin = editor(Role::Admin, vec![]);
        assert!(admin.may_see_contact(Some(3)) && admin.may_see_contact(None));
        assert!(!editor(Role::Editor, vec![]).may_see_contact(Some(2)));
    }

    #[test]
    fn every_contact_field_has_its_column() {
        let contact = ReporterContact {
            name: Some("Ana".into()),
            email: None,
            phone: Some("+44 20 7946 0000".into()),
        };
        assert_eq!(contact.cells().len(), ReporterContact::COLUMNS.len());
        assert_eq!(
            contact.values().collect::<Vec<_>>(),
            ["Ana", "+44 20 7946 0000"]
        );
        assert!(!contact.is_empty());
        assert!(ReporterContact::default().is_empty());
        let json = serde_json::to_value(ReporterContact::default()).expect("json");
        assert_eq!(
            json.as_object().map(|o| o.len()),
            Some(ReporterContact::COLUMNS.len()),
            "the API names every field, as the CSV does"
        );
    }
}
