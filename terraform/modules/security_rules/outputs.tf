output "cidr_rules" {
  description = "Ingress rules from address prefixes, by a key that is known at plan time: {to, proto, min, max, cidr, why}."
  value = merge(
    { for r in local.cidr_rules : "${r.to}-${r.why}-${r.cidr}" => r },
    { for r in local.hairpin_rules : r.key => { to = r.to, proto = r.proto, min = r.min, max = r.max, cidr = r.cidr, why = r.why } },
  )
}

output "group_rules" {
  description = "Ingress rules from another security group, by key: {to, proto, min, max, from, why}."
  value       = { for r in local.group_rules : "${r.to}-${r.why}" => r }
}
