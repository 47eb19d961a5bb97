//! Dataverse privilege names (`prvReadNote`, `prvFlow`) and the crate's
//! keys (`note:read`, `misc:flow`), both ways.

use crate::error::ImportProblem;
use crate::key::Privilege;

/// The eight table actions as Dataverse spells them after `prv`, with the
/// crate's action; `AppendTo` before `Append`, so the longer one wins.
const ACTIONS: [(&str, &str); 8] = [
    ("AppendTo", "append_to"),
    ("Append", "append"),
    ("Create", "create"),
    ("Read", "read"),
    ("Write", "write"),
    ("Delete", "delete"),
    ("Assign", "assign"),
    ("Share", "share"),
];

/// The entity of every miscellaneous privilege's key.
pub(crate) const MISC: &str = "misc";

/// Miscellaneous privileges whose names begin with a table action: without
/// this list `PrvReadAnalyticalDataflowsData` would read as a table.
const MISC_WITH_ACTION: [&str; 1] = ["ReadAnalyticalDataflowsData"];

/// Miscellaneous privileges seen in public solution exports, spelled as
/// there: a key `misc:<lowercase>` exports with this spelling when the
/// import recorded none.
const KNOWN_MISC: [&str; 27] = [
    "ActivateBusinessProcessFlow",
    "ActivateBusinessRule",
    "ActivateSynchronousWorkflow",
    "AddressBook",
    "AllowQuickCampaign",
    "AllowTDSAccess",
    "BulkEdit",
    "DocumentGeneration",
    "EmbeddedPBIDatasetAnalyzeInExcel",
    "ExportCustomization",
    "ExportToExcel",
    "Flow",
    "GoOffline",
    "IntelligenceUsage",
    "LanguageSettings",
    "MailMerge",
    "Merge",
    "Print",
    "PublishCustomization",
    "ReadAnalyticalDataflowsData",
    "SearchAvailability",
    "SendAppNotification",
    "SyncToOutlook",
    "UseOfficeApps",
    "UseTabletApp",
    "WebMailMerge",
    "WorkflowExecution",
];

/// The key of a privilege name, and whether it is miscellaneous.
pub(crate) fn key_of(name: &str) -> Result<(Privilege, bool), ImportProblem> {
    let rest = match name.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("prv") => name.get(3..).unwrap_or(""),
        _ => {
            return Err(ImportProblem::NotPrivilegeName {
                name: name.to_owned(),
            });
        }
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if rest.is_empty() || !rest.chars().all(valid) {
        return Err(ImportProblem::InvalidPrivilegeName {
            name: name.to_owned(),
        });
    }
    if !is_misc_with_action(rest) {
        for (verb, action) in ACTIONS {
            match rest.strip_prefix(verb) {
                Some(base) if !base.is_empty() => {
                    let key = format!("{}:{action}", base.to_ascii_lowercase());
                    return Ok((Privilege::from_owned_unchecked(key), false));
                }
                _ => {}
            }
        }
    }
    let key = format!("{MISC}:{}", rest.to_ascii_lowercase());
    Ok((Privilege::from_owned_unchecked(key), true))
}

fn is_misc_with_action(rest: &str) -> bool {
    MISC_WITH_ACTION
        .iter()
        .any(|misc| misc.eq_ignore_ascii_case(rest))
}

/// The name a key exports as when the import recorded none: `prv` + the
/// action's Dataverse spelling + the entity for a table key; `prv` + the
/// known spelling (or the key's action as it is) for `misc:…`. `None` for
/// a key Dataverse has no name for (another action), or whose name would
/// read back as another key.
pub(crate) fn canonical_name(key: &Privilege) -> Option<String> {
    let (entity, action) = (key.entity(), key.action());
    let name = if entity == MISC {
        let known = KNOWN_MISC
            .iter()
            .find(|known| known.eq_ignore_ascii_case(action));
        format!("prv{}", known.copied().unwrap_or(action))
    } else {
        let (verb, _) = ACTIONS.iter().find(|(_, a)| *a == action)?;
        format!("prv{verb}{entity}")
    };
    match key_of(&name) {
        Ok((back, _)) if back == *key => Some(name),
        _ => None,
    }
}

/// The action's letter in the import example's matrix and its column order.
pub(crate) fn table_actions() -> impl Iterator<Item = &'static str> {
    ACTIONS.iter().map(|(_, action)| *action)
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_keys_and_back() {
        let cases = [
            (
                "prvAppendTomsevtmgt_Event",
                "msevtmgt_event:append_to",
                false,
            ),
            ("prvAppendmsevtmgt_Event", "msevtmgt_event:append", false),
            ("prvReadNote", "note:read", false),
            ("prvShareImport", "import:share", false),
            ("prvReadbot", "bot:read", false),
            ("prvFlow", "misc:flow", true),
            ("prvWorkflowExecution", "misc:workflowexecution", true),
            (
                "PrvReadAnalyticalDataflowsData",
                "misc:readanalyticaldataflowsdata",
                true,
            ),
            ("prvExportToExcel", "misc:exporttoexcel", true),
            ("prvRead", "misc:read", true),
        ];
        for (name, key, misc) in cases {
            let (got, is_misc) = key_of(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((got.as_str(), is_misc), (key, misc), "{name}");
            let back = canonical_name(&got).unwrap_or_default();
            assert_eq!(key_of(&back).map(|(k, _)| k), Ok(got), "{name} -> {back}");
        }
        assert_eq!(
            canonical_name(&Privilege::from_static("misc:exporttoexcel")).as_deref(),
            Some("prvExportToExcel")
        );
        assert_eq!(
            canonical_name(&Privilege::from_static("conversation:transfer")),
            None
        );
        assert!(matches!(
            key_of("readNote"),
            Err(ImportProblem::NotPrivilegeName { .. })
        ));
        assert!(matches!(
            key_of("prvRead Note"),
            Err(ImportProblem::InvalidPrivilegeName { .. })
        ));
        assert!(matches!(
            key_of("prv"),
            Err(ImportProblem::InvalidPrivilegeName { .. })
        ));
    }
}
