# Reduces `terraform show -json plan.out` to what the plan comment needs: which resources and
# outputs change and how. Every value is dropped on purpose: unlike `terraform show` (the .txt),
# the JSON plan holds sensitive values in clear text (before/after, prior_state, planned_values,
# variables, configuration), and this file is uploaded as an artifact of a pull request run.
{
  format_version,
  terraform_version,
  errored: (.errored // false),
  resource_changes: [
    (.resource_changes // [])[]
    | {
        address,
        previous_address,
        module_address,
        mode,
        type,
        name,
        index,
        provider_name,
        action_reason,
        deposed,
        # Attribute paths and an import id: names, never values.
        change: ({ actions: (.change.actions // []), replace_paths: .change.replace_paths, importing: .change.importing } | with_entries(select(.value != null)))
      }
    | with_entries(select(.value != null))
  ],
  output_changes: ((.output_changes // {}) | map_values({ actions: (.actions // []) }))
}
