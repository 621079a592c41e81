# tflint for every stack (tflint --recursive from terraform/). The bundled Terraform ruleset
# with its recommended preset plus naming and documentation rules; the AWS ruleset is not
# served by the Go module proxy this project builds its tools from (docs/decisions/0011).
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_naming_convention" {
  enabled = true
}

rule "terraform_standard_module_structure" {
  enabled = true
}
