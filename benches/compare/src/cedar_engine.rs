//! Cedar (`cedar-policy` 4) behind [`Engine`].
//!
//! Roles are principal groups: each role `r` is `Role::"r"` and asks through
//! its member `User::"r"`. Every concrete permission is an action entity;
//! every wildcard grant is an action group (`Action::"journey:*:*"`) whose
//! members are the actions it covers. Each role is one policy:
//! `permit(principal in Role::"r", action in [Action::"…", …], resource);`.
//!
//! Cedar matches no patterns on its own: an action's groups are entity data.
//! Actions of the catalog and of the grants are loaded once; for a key neither
//! knows, [`prepare`](Engine::prepare) builds the request's entities with that
//! action and the groups whose pattern covers it, as an application would.

use std::collections::{BTreeSet, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
};

use crate::{Engine, Error, Workload, covers};

/// Cedar's authorizer with the workload's policies and entities.
#[derive(Debug)]
pub struct Cedar {
    authorizer: Authorizer,
    policies: PolicySet,
    entities: Entities,
    /// The wildcard grants of every role: the action groups.
    groups: Vec<String>,
    /// The concrete actions in `entities`.
    actions: HashSet<String>,
}

/// A question for [`Cedar`]: the request, and the entities when the action
/// is not in the engine's own.
#[derive(Debug)]
pub struct CedarQuestion {
    request: Request,
    entities: Option<Entities>,
}

fn uid(type_name: &str, id: &str) -> Result<EntityUid, Error> {
    Ok(EntityUid::from_type_name_and_id(
        EntityTypeName::from_str(type_name)?,
        EntityId::new(id),
    ))
}

/// A Cedar string literal: quoted, with `"`, `\` and control characters escaped.
fn literal(text: &str) -> String {
    format!("\"{}\"", text.escape_default())
}

impl Cedar {
    /// The action entity for `key`, member of every group whose pattern covers it.
    fn action(&self, key: &str) -> Result<Entity, Error> {
        action_entity(&self.groups, key)
    }
}

fn action_entity(groups: &[String], key: &str) -> Result<Entity, Error> {
    let parents = groups
        .iter()
        .filter(|group| covers(group, key))
        .map(|group| uid("Action", group))
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(Entity::new_no_attrs(uid("Action", key)?, parents))
}

impl Engine for Cedar {
    type Question<'e> = CedarQuestion;

    const NAME: &'static str = "Cedar";

    fn build(workload: &Workload) -> Result<Self, Error> {
        let grants = workload.roles.iter().flat_map(|role| &role.grants);
        let groups: Vec<String> = grants
            .clone()
            .filter(|grant| grant.contains('*'))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let actions: BTreeSet<String> = workload
            .concrete_keys()
            .into_iter()
            .chain(grants.filter(|grant| !grant.contains('*')).cloned())
            .collect();

        let mut entities = Vec::new();
        let mut policies = String::new();
        for role in &workload.roles {
            let group = uid("Role", &role.name)?;
            entities.push(Entity::new_no_attrs(group.clone(), HashSet::new()));
            entities.push(Entity::new_no_attrs(uid("User", &role.name)?, HashSet::from([group])));
            let granted: Vec<String> = role.grants.iter().map(|g| format!("Action::{}", literal(g))).collect();
            if !granted.is_empty() {
                policies.push_str(&format!(
                    "permit(principal in Role::{}, action in [{}], resource);\n",
                    literal(&role.name),
                    granted.join(", ")
                ));
            }
        }
        for group in &groups {
            entities.push(Entity::new_no_attrs(uid("Action", group)?, HashSet::new()));
        }
        for key in &actions {
            entities.push(action_entity(&groups, key)?);
        }
        Ok(Self {
            authorizer: Authorizer::new(),
            policies: PolicySet::from_str(&policies)?,
            entities: Entities::from_entities(entities, None)?,
            groups,
            actions: actions.into_iter().collect(),
        })
    }

    fn prepare(&self, role: &str, permission: &str) -> Result<CedarQuestion, Error> {
        let request = Request::new(
            uid("User", role)?,
            uid("Action", permission)?,
            uid("Resource", "any")?,
            Context::empty(),
            None,
        )?;
        let entities = if self.actions.contains(permission) {
            None
        } else {
            Some(self.entities.clone().add_entities([self.action(permission)?], None)?)
        };
        Ok(CedarQuestion { request, entities })
    }

    #[inline]
    fn decide(&self, question: &CedarQuestion) -> bool {
        let entities = question.entities.as_ref().unwrap_or(&self.entities);
        let response = self
            .authorizer
            .is_authorized(&question.request, &self.policies, entities);
        response.decision() == Decision::Allow
    }
}
