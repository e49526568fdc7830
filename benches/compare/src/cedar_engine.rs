//! Cedar (`cedar-policy` 4) behind [`Engine`].
//!
//! Roles are principal groups: each role `r` is `Role::"r"` and asks through
//! its member `User::"r"`. Every concrete permission is an action entity;
//! every wildcard grant is an action group (`Action::"journey:*:*"`) whose
//! members are the actions it covers. Each role is one policy:
//! `permit(principal in Role::"r", action in [Action::"…", …], resource);`.
//!
//! A user is an entity whose parents are the roles it holds in every
//! division (`User::"ana"`), and one more per division its grants name
//! (`User::"ana@d-east"`: the roles held in every division or in that one);
//! a division none names asks as `User::"ana"`. The roles it holds only in
//! other divisions still give what is not division-aware: they are its
//! parents as `Anywhere::"r"`, whose policy is the role's with
//! `when { action in Action::"undivided" }`, the group of the catalog's
//! permissions that are not division-aware.
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

use crate::{Engine, Error, Who, Workload, covers};

/// The action group of the permissions that are not division-aware.
const UNDIVIDED: &str = "undivided";

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
    /// The principals in `entities`: each role's `User`, each user in every
    /// division and in each division its grants name.
    principals: HashSet<String>,
    workload: Workload,
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
        action_entity(&self.groups, key, !self.workload.division_aware(key))
    }
}

fn action_entity(groups: &[String], key: &str, undivided: bool) -> Result<Entity, Error> {
    let parents = groups
        .iter()
        .filter(|group| covers(group, key))
        .map(String::as_str)
        .chain(undivided.then_some(UNDIVIDED))
        .map(|group| uid("Action", group))
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(Entity::new_no_attrs(uid("Action", key)?, parents))
}

/// The `User` entity `id`, member of `Role::"r"` for each of `roles` and of
/// `Anywhere::"r"` for each of `anywhere`.
fn user_entity<'r>(
    id: &str,
    roles: impl Iterator<Item = &'r str>,
    anywhere: impl Iterator<Item = &'r str>,
) -> Result<Entity, Error> {
    let parents = roles
        .map(|role| uid("Role", role))
        .chain(anywhere.map(|role| uid("Anywhere", role)))
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(Entity::new_no_attrs(uid("User", id)?, parents))
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
        let mut principals = HashSet::new();
        // Roles some user holds in one division only: they need their `Anywhere` policy.
        let divided: HashSet<&str> = workload
            .users
            .iter()
            .flat_map(|user| &user.roles)
            .filter(|(_, division)| division.is_some())
            .map(|(role, _)| role.as_str())
            .collect();
        for role in &workload.roles {
            entities.push(Entity::new_no_attrs(uid("Role", &role.name)?, HashSet::new()));
            entities.push(Entity::new_no_attrs(uid("Anywhere", &role.name)?, HashSet::new()));
            entities.push(user_entity(
                &role.name,
                [role.name.as_str()].into_iter(),
                [].into_iter(),
            )?);
            principals.insert(role.name.clone());
            let granted: Vec<String> = role.grants.iter().map(|g| format!("Action::{}", literal(g))).collect();
            if !granted.is_empty() {
                let (name, granted) = (literal(&role.name), granted.join(", "));
                policies.push_str(&format!(
                    "permit(principal in Role::{name}, action in [{granted}], resource);\n"
                ));
            }
            if !granted.is_empty() && divided.contains(role.name.as_str()) {
                let (name, granted) = (literal(&role.name), granted.join(", "));
                policies.push_str(&format!(
                    "permit(principal in Anywhere::{name}, action in [{granted}], resource) \
                     when {{ action in Action::{} }};\n",
                    literal(UNDIVIDED)
                ));
            }
        }
        for user in &workload.users {
            let divisions = std::iter::once(None).chain(user.divisions().into_iter().map(Some));
            for division in divisions {
                let in_reach = |held: &Option<String>| held.is_none() || held.as_deref() == division;
                let roles = user.roles.iter().filter(|(_, held)| in_reach(held));
                let others = user.roles.iter().filter(|(_, held)| !in_reach(held));
                let id = division.map_or_else(|| user.name.clone(), |d| format!("{}@{d}", user.name));
                entities.push(user_entity(
                    &id,
                    roles.map(|(role, _)| role.as_str()),
                    others.map(|(role, _)| role.as_str()),
                )?);
                principals.insert(id);
            }
        }
        for group in groups.iter().map(String::as_str).chain([UNDIVIDED]) {
            entities.push(Entity::new_no_attrs(uid("Action", group)?, HashSet::new()));
        }
        for key in &actions {
            entities.push(action_entity(&groups, key, !workload.division_aware(key))?);
        }
        Ok(Self {
            authorizer: Authorizer::new(),
            policies: PolicySet::from_str(&policies)?,
            entities: Entities::from_entities(entities, None)?,
            groups,
            actions: actions.into_iter().collect(),
            principals,
            workload: workload.clone(),
        })
    }

    fn prepare(&self, who: &str, permission: &str) -> Result<CedarQuestion, Error> {
        // A user in a division none of its grants names asks as the user.
        let principal = match self.workload.principal(who) {
            Some(Who::User(user, Some(_))) if !self.principals.contains(who) => user.name.as_str(),
            Some(_) => who,
            None => return Err(format!("no role or user `{who}`").into()),
        };
        let request = Request::new(
            uid("User", principal)?,
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
