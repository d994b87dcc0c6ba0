//! Importing contacts and companies from CSV (with a column mapping and a preview) and vCard files,
//! and exporting them as CSV.
//!
//! Bad rows are reported with their line number and skipped; every good row goes in, in one transaction
//! per import, so a failure half-way leaves the CRM as it was.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use super::csv;
use super::model::*;
use super::repo::CrmRepo;
use super::sqlite::SqliteCrm;
use crate::error::{Error, Result};
use crate::store::Store;

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    FirstName,
    LastName,
    Email,
    Phone,
    Company,
    Domain,
    Responsible,
    Ignore,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Company => "company",
            Field::Domain => "domain",
            Field::Responsible => "responsible",
            Field::Ignore => "ignore",
        }
    }

    /// The field a header most likely means ("E-mail Address", "Mobile Phone", "Organization", …).
    pub fn guess(header: &str) -> Field {
        let h: String = header.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        let has = |s: &str| h.contains(s);
        if has("mail") {
            Field::Email
        } else if has("phone") || has("mobile") || has("tel") || has("fax") || h == "cell" {
            Field::Phone
        } else if has("first") || has("given") || h == "vorname" {
            Field::FirstName
        } else if has("last") || has("family") || has("surname") || h == "nachname" {
            Field::LastName
        } else if has("domain") || has("website") || has("web") || h == "url" {
            Field::Domain
        } else if has("company") || has("organi") || has("account") || h == "firma" || h == "org" {
            Field::Company
        } else if has("responsible") || has("owner") || has("manager") {
            Field::Responsible
        } else if has("name") || h == "contact" || h == "fullname" {
            Field::Name
        } else {
            Field::Ignore
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "name" | "full_name" => Field::Name,
            "first_name" | "first" => Field::FirstName,
            "last_name" | "last" => Field::LastName,
            "email" | "e_mail" => Field::Email,
            "phone" | "tel" => Field::Phone,
            "company" | "organization" => Field::Company,
            "domain" | "website" => Field::Domain,
            "responsible" | "owner" => Field::Responsible,
            "ignore" | "skip" | "" => Field::Ignore,
            other => {
                return Err(Error::config(format!(
                    "unknown column meaning '{other}': use name, first_name, last_name, email, phone, company, \
                     domain, responsible or ignore"
                )))
            }
        })
    }
}

/// Apply `Header=field,Other Header=field` overrides to the guessed mapping.
pub fn mapping(headers: &[String], overrides: Option<&str>) -> Result<Vec<Field>> {
    let mut m: Vec<Field> = headers.iter().map(|h| Field::guess(h)).collect();
    if let Some(spec) = overrides.filter(|s| !s.trim().is_empty()) {
        for pair in spec.split(',') {
            let (col, field) = pair
                .split_once('=')
                .ok_or_else(|| Error::config(format!("'{pair}' is not a mapping: write Column=field")))?;
            let col = col.trim();
            let idx = match col.parse::<usize>() {
                Ok(n) if n >= 1 && n <= headers.len() => n - 1,
                _ => headers.iter().position(|h| h.trim().eq_ignore_ascii_case(col)).ok_or_else(|| {
                    Error::config(format!("the file has no column '{col}' (columns: {})", headers.join(", ")))
                })?,
            };
            m[idx] = field.parse()?;
        }
    }
    Ok(m)
}

/// A row as it will be imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowData {
    pub line: usize,
    pub name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company: String,
    pub domain: String,
    pub responsible: String,
}

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn row_data(line: usize, fields: &[String], map: &[Field]) -> std::result::Result<RowData, String> {
    if fields.len() != map.len() {
        return Err(format!("{} fields, but the header has {}", fields.len(), map.len()));
    }
    let mut r = RowData { line, ..Default::default() };
    let (mut first, mut last) = (String::new(), String::new());
    for (raw, f) in fields.iter().zip(map) {
        let v = csv::unguard(raw.trim()).to_string();
        if v.is_empty() {
            continue;
        }
        match f {
            Field::Name => r.name = v,
            Field::FirstName => first = v,
            Field::LastName => last = v,
            Field::Email => {
                for e in v.split([';', ',', ' ']).filter(|e| !e.is_empty()) {
                    let n = norm_address(e).ok_or_else(|| format!("'{e}' is not an email address"))?;
                    if !r.emails.contains(&n) {
                        r.emails.push(n);
                    }
                }
            }
            Field::Phone => r.phones.extend(v.split(';').map(|p| p.trim().to_string()).filter(|p| !p.is_empty())),
            Field::Company => r.company = v,
            Field::Domain => {
                let d = v.trim_start_matches("https://").trim_start_matches("http://");
                let d = d.split('/').next().unwrap_or("").trim_start_matches("www.").to_lowercase();
                if !d.contains('.') || d.contains([' ', '@']) {
                    return Err(format!("'{v}' is not a domain"));
                }
                r.domain = d;
            }
            Field::Responsible => r.responsible = v,
            Field::Ignore => {}
        }
    }
    if r.name.is_empty() {
        r.name = format!("{first} {last}").trim().to_string();
    }
    if r.name.is_empty() && r.emails.is_empty() && r.company.is_empty() {
        return Err("the row has no name, email address or company".into());
    }
    Ok(r)
}

/// What an import would do: the mapping, the first rows as they will go in, and the rows that will be
/// skipped.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub headers: Vec<String>,
    pub mapping: Vec<Field>,
    pub rows: Vec<RowData>,
    pub total_rows: usize,
    pub errors: Vec<RowError>,
    /// Why nothing could be imported with this mapping, if so.
    pub problem: Option<String>,
}

struct Rows {
    headers: Vec<String>,
    mapping: Vec<Field>,
    rows: Vec<RowData>,
    errors: Vec<RowError>,
}

/// Read and map every row. With `strict`, a file with no usable column is an error; otherwise the
/// problem is returned for the preview to show.
fn read_rows(text: &str, overrides: Option<&str>, strict: bool) -> Result<(Rows, Option<String>)> {
    let delim = csv::guess_delimiter(text);
    let (records, bad) = csv::read(text, delim);
    let mut errors: Vec<RowError> = bad.into_iter().map(|b| RowError { line: b.line, message: b.message }).collect();
    if errors.iter().any(|e| e.line == 1) {
        return Err(Error::config("the header row (line 1) cannot be read; fix it and import again"));
    }
    let mut it = records.into_iter();
    let header = it
        .next()
        .ok_or_else(|| Error::config("the CSV file is empty: it needs a header row such as name,email,company"))?;
    let headers: Vec<String> = header.fields.iter().map(|h| h.trim().to_string()).collect();
    let map = mapping(&headers, overrides)?;
    let usable = map
        .iter()
        .any(|f| matches!(f, Field::Name | Field::FirstName | Field::LastName | Field::Email | Field::Company));
    if !usable {
        let problem = format!(
            "no column holds a name, email address or company (columns: {}); map them with --map \"Column=name,…\"",
            headers.join(", ")
        );
        if strict {
            return Err(Error::config(problem));
        }
        return Ok((Rows { headers, mapping: map, rows: vec![], errors }, Some(problem)));
    }
    let mut rows = Vec::new();
    for rec in it {
        match row_data(rec.line, &rec.fields, &map) {
            Ok(r) => rows.push(r),
            Err(message) => errors.push(RowError { line: rec.line, message }),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok((Rows { headers, mapping: map, rows, errors }, None))
}

/// Preview a CSV import: nothing is written.
pub fn preview_csv(text: &str, overrides: Option<&str>, rows: usize) -> Result<Preview> {
    let (r, problem) = read_rows(text, overrides, false)?;
    let total_rows = r.rows.len() + r.errors.len();
    Ok(Preview {
        headers: r.headers,
        mapping: r.mapping,
        rows: r.rows.into_iter().take(rows).collect(),
        total_rows,
        errors: r.errors,
        problem,
    })
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub contacts_created: usize,
    pub companies_created: usize,
    /// Rows whose person is already a contact (matched by address): skipped, not errors.
    pub duplicates: Vec<RowError>,
    pub errors: Vec<RowError>,
}

fn find_user(repo: &dyn CrmRepo, who: &str) -> Result<Option<i64>> {
    if let Some(a) = norm_address(who) {
        return repo.user_by_address(&a);
    }
    Ok(repo.users()?.into_iter().find(|u| u.name.eq_ignore_ascii_case(who.trim())).map(|u| u.id))
}

fn import_row(repo: &dyn CrmRepo, r: &RowData, report: &mut ImportReport, now: i64) -> Result<()> {
    let responsible = if r.responsible.is_empty() {
        None
    } else {
        match find_user(repo, &r.responsible)? {
            Some(u) => Some(u),
            None => {
                report.errors.push(RowError {
                    line: r.line,
                    message: format!("no CRM user '{}' for the responsible column", r.responsible),
                });
                return Ok(());
            }
        }
    };
    for e in &r.emails {
        if let Some(id) = repo.contact_by_address(e)? {
            report
                .duplicates
                .push(RowError { line: r.line, message: format!("{e} is already contact #{id}; skipped") });
            return Ok(());
        }
    }
    let company_id = if r.company.is_empty() {
        None
    } else {
        match repo.company_by_name(&r.company)? {
            Some(id) => Some(id),
            None => {
                report.companies_created += 1;
                Some(repo.add_company(
                    &NewCompany { name: r.company.clone(), responsible_id: responsible, ..Default::default() },
                    now,
                )?)
            }
        }
    };
    if let (Some(c), false) = (company_id, r.domain.is_empty()) {
        repo.add_company_domain(c, &r.domain)?;
    }
    if r.name.is_empty() && r.emails.is_empty() {
        return Ok(()); // a company-only row
    }
    repo.add_contact(
        &NewContact {
            name: r.name.clone(),
            addresses: r.emails.clone(),
            phones: r.phones.clone(),
            company_id,
            responsible_id: responsible,
        },
        now,
    )?;
    report.contacts_created += 1;
    Ok(())
}

/// Import CSV text (with a header row) into `repo`. Run it inside a transaction (see [`import_file`]).
pub fn import_csv(repo: &dyn CrmRepo, text: &str, overrides: Option<&str>, now: i64) -> Result<ImportReport> {
    let (Rows { rows, errors, .. }, _) = read_rows(text, overrides, true)?;
    let mut report = ImportReport { errors, ..Default::default() };
    for r in &rows {
        import_row(repo, r, &mut report, now)?;
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

/// Import vCard text (one or many cards) into `repo`.
pub fn import_vcf(repo: &dyn CrmRepo, text: &str, now: i64) -> Result<ImportReport> {
    let (cards, bad) = super::vcard::parse(text);
    let mut report = ImportReport {
        errors: bad.into_iter().map(|e| RowError { line: e.line, message: e.message }).collect(),
        ..Default::default()
    };
    for c in cards {
        let mut emails = Vec::new();
        let mut bad_email = None;
        for e in &c.emails {
            match norm_address(e) {
                Some(n) => emails.push(n),
                None => bad_email = Some(e.clone()),
            }
        }
        if let Some(e) = bad_email.filter(|_| emails.is_empty() && c.name.is_empty()) {
            report.errors.push(RowError { line: c.line, message: format!("'{e}' is not an email address") });
            continue;
        }
        let row = RowData {
            line: c.line,
            name: c.name.clone(),
            emails,
            phones: c.phones.clone(),
            company: c.org.clone().unwrap_or_default(),
            ..Default::default()
        };
        import_row(repo, &row, &mut report, now)?;
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

/// Whether a file is a vCard file (by name or content).
pub fn is_vcard(path: &Path, text: &str) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    ext == "vcf"
        || ext == "vcard"
        || text.trim_start_matches('\u{feff}').trim_start().to_ascii_uppercase().starts_with("BEGIN:VCARD")
}

/// Import a .csv or .vcf file in one transaction.
pub fn import_file(store: &Store, path: &Path, overrides: Option<&str>, now: i64) -> Result<ImportReport> {
    let bytes = std::fs::read(path).map_err(|e| Error::config(format!("cannot read {}: {e}", path.display())))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        // Old exporters write Windows-1252 / Latin-1.
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    };
    let mut conn = store.conn()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let report = {
        let repo = SqliteCrm::new(&tx);
        if is_vcard(path, &text) {
            import_vcf(&repo, &text, now)?
        } else {
            import_csv(&repo, &text, overrides, now)?
        }
    };
    tx.commit()?;
    Ok(report)
}

/// All contacts as CSV: name, email (the first), other emails, phones, company, responsible.
pub fn export_contacts_csv(repo: &dyn CrmRepo) -> Result<String> {
    let users = repo.users()?;
    let user_addr = |id: Option<i64>| {
        id.and_then(|id| users.iter().find(|u| u.id == id))
            .map(|u| u.addresses.first().cloned().unwrap_or_else(|| u.name.clone()))
            .unwrap_or_default()
    };
    let mut out = csv::line(&["name", "email", "other emails", "phones", "company", "responsible"].map(String::from));
    let mut offset = 0;
    loop {
        let page = repo.contacts(1000, offset)?;
        if page.is_empty() {
            break;
        }
        offset += page.len() as u32;
        for c in page {
            out.push_str(&csv::line(&[
                c.name.clone(),
                c.addresses.first().cloned().unwrap_or_default(),
                c.addresses.iter().skip(1).cloned().collect::<Vec<_>>().join(";"),
                c.phones.join(";"),
                c.company_name.clone().unwrap_or_default(),
                user_addr(c.responsible_id),
            ]));
        }
    }
    Ok(out)
}

/// All companies as CSV: company, domain (the first), responsible.
pub fn export_companies_csv(repo: &dyn CrmRepo) -> Result<String> {
    let users = repo.users()?;
    let mut out = csv::line(&["company", "domain", "other domains", "responsible"].map(String::from));
    let mut offset = 0;
    loop {
        let page = repo.companies(1000, offset)?;
        if page.is_empty() {
            break;
        }
        offset += page.len() as u32;
        for c in page {
            let resp = c
                .responsible_id
                .and_then(|id| users.iter().find(|u| u.id == id))
                .map(|u| u.addresses.first().cloned().unwrap_or_else(|| u.name.clone()))
                .unwrap_or_default();
            out.push_str(&csv::line(&[
                c.name.clone(),
                c.domains.first().cloned().unwrap_or_default(),
                c.domains.iter().skip(1).cloned().collect::<Vec<_>>().join(";"),
                resp,
            ]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_from_common_exporters_are_guessed() {
        let g = |h: &str| Field::guess(h);
        assert_eq!(g("E-mail Address"), Field::Email);
        assert_eq!(g("E-mail 2 Value"), Field::Email);
        assert_eq!(g("First Name"), Field::FirstName);
        assert_eq!(g("Last Name"), Field::LastName);
        assert_eq!(g("Mobile Phone"), Field::Phone);
        assert_eq!(g("Organization 1 - Name"), Field::Company);
        assert_eq!(g("Name"), Field::Name);
        assert_eq!(g("Notes"), Field::Ignore);
    }

    #[test]
    fn overrides_win_over_guesses() {
        let h: Vec<String> = ["Who", "Addr", "Firm"].map(String::from).to_vec();
        let m = mapping(&h, Some("Who=name, Addr=email,3=company")).unwrap();
        assert_eq!(m, vec![Field::Name, Field::Email, Field::Company]);
        assert!(mapping(&h, Some("Nope=name")).is_err());
    }
}
