# The EKS version follows the repository's one Kubernetes pin (hack/k8s/kubernetes-version.json,
# which the e2e clusters and the charts read too), and only a version whose EKS standard support
# has not ended at plan time is accepted: extended support costs more per cluster hour and ends
# in a forced upgrade. The support dates live beside the pin, with their source.
locals {
  kubernetes_pin       = jsondecode(file("${path.module}/../../../hack/k8s/kubernetes-version.json"))
  kubernetes_support   = local.kubernetes_pin.eksStandardSupport.versions
  kubernetes_pin_minor = join(".", slice(split(".", local.kubernetes_pin.version), 0, 2))
  kubernetes_version   = coalesce(var.kubernetes_version, local.kubernetes_pin_minor)
}
