# Role-based access at a folder scope, inherited down the folder tree.
#
# data:  {"roles": {<role>: {"policies": [<policy>]}}, "policies": {<policy>: {"actions": [...]}}}
# input: {"grants": [{"role", "folderId"}], "action", "scope": [<folder>, <parent>, ..., <root>]}
#    or  {"grants": [...], "action", "folders": {<folder>: [<folder>, <parent>, ..., <root>]}}
#
# Written for rego-cpp 1.5.2, which gets three things wrong that OPA gets right:
# - inside a function body, a comprehension does not see the function's arguments
#   (it iterates every key instead), so no function here holds a comprehension;
# - data at data.ossature.access.<rule> silently replaces the rule, so the Python
#   side loads only the "roles" and "policies" keys;
# - a comprehension cannot hold `some k, v in x` (the comma does not parse there):
#   write such a rule as `name contains x if { ... }` instead.
# Iterating costs ~5 us per element and a function call far more, so the rules walk
# the grants as few times as they can and call permits() once per distinct role.
package ossature.access

default allow := false

allow if {
	some role in roles_in_scope
	permits(role, input.action)
}

actions contains action if {
	some role in roles_in_scope
	some name in data.roles[role].policies
	some action in data.policies[name].actions
}

visible contains folder if {
	some folder, chain in input.folders
	some ancestor in chain
	granting_folders[ancestor]
}

in_scope := {folder | some folder in input.scope}

roles_in_scope := {grant.role | some grant in input.grants; in_scope[grant.folderId]}

granted_roles := {grant.role | some grant in input.grants}

permitting_roles := {role | some role in granted_roles; permits(role, input.action)}

granting_folders := {grant.folderId | some grant in input.grants; permitting_roles[grant.role]}

permits(role, action) if {
	some name in data.roles[role].policies
	action in data.policies[name].actions
}
