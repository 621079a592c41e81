package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	celconfig "k8s.io/apiserver/pkg/apis/cel"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// crdVersion is what the API server checks a custom resource of one group/version/kind with.
type crdVersion struct {
	structural *structuralschema.Structural
	validator  validation.SchemaValidator
	cel        *cel.Validator
	crd        string
}

func loadCRDs(files []string) (map[string]crdVersion, error) {
	versions := map[string]crdVersion{}
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(content, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, version := range crd.Spec.Versions {
			if version.Schema == nil {
				return nil, fmt.Errorf("%s: version %s has no schema", file, version.Name)
			}
			var internal apiextensions.CustomResourceValidation
			if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(version.Schema, &internal, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			validator, _, err := validation.NewSchemaValidator(internal.OpenAPIV3Schema)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			key := crd.Spec.Group + "/" + version.Name + "/" + crd.Spec.Names.Kind
			versions[key] = crdVersion{
				structural: structural,
				validator:  validator,
				cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
				crd:        filepath.Base(file),
			}
		}
	}
	return versions, nil
}

// builtinGroup tells the API groups Kubernetes serves itself (checked elsewhere against
// the Kubernetes OpenAPI schema) from those of custom resources.
func builtinGroup(apiVersion string) bool {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return true
	}
	return !strings.Contains(group, ".") || strings.HasSuffix(group, ".k8s.io")
}

func runCustomResources(args []string) error {
	flags := flag.NewFlagSet("crs", flag.ExitOnError)
	sources := flags.String("sources", "", "file listing the CRD modules")
	minimum := flags.Int("min", 1, "fewest custom resources the manifests must hold (an empty or shrunken input fails)")
	_ = flags.Parse(args)
	files, err := crdFiles(*sources)
	if err != nil {
		return err
	}
	crds, err := loadCRDs(files)
	if err != nil {
		return err
	}
	objects, err := readManifests(flags.Args())
	if err != nil {
		return err
	}
	var problems []string
	checked := 0
	byKind := map[string]int{}
	for _, obj := range objects {
		apiVersion := obj.str("apiVersion")
		if builtinGroup(apiVersion) {
			continue
		}
		crd, found := crds[apiVersion+"/"+obj.str("kind")]
		if !found {
			problems = append(problems, fmt.Sprintf("%s: no CRD of the sources defines %s %s", obj, apiVersion, obj.str("kind")))
			continue
		}
		checked++
		byKind[obj.str("kind")]++
		for _, message := range validateCustomResource(obj.body, crd) {
			problems = append(problems, fmt.Sprintf("%s: %s", obj, message))
		}
	}
	if checked < *minimum {
		problems = append(problems, fmt.Sprintf("%d custom resources checked, fewer than the %d expected", checked, *minimum))
	}
	kinds := make([]string, 0, len(byKind))
	for kind, count := range byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", kind, count))
	}
	sort.Strings(kinds)
	return report(problems, fmt.Sprintf("%d custom resources valid against their CRDs (%s)", checked, strings.Join(kinds, ", ")))
}

func validateCustomResource(body map[string]interface{}, crd crdVersion) []string {
	var messages []string
	pruned := runtime.DeepCopyJSON(body)
	unknown := pruning.PruneWithOptions(pruned, crd.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, path := range unknown {
		messages = append(messages, fmt.Sprintf("unknown field %q (%s)", path, crd.crd))
	}
	for _, err := range validation.ValidateCustomResource(nil, body, crd.validator) {
		messages = append(messages, fmt.Sprintf("%s (%s)", err.Error(), crd.crd))
	}
	if crd.cel != nil {
		errs, _ := crd.cel.Validate(context.Background(), nil, crd.structural, body, nil, celconfig.RuntimeCELCostBudget)
		for _, err := range errs {
			messages = append(messages, fmt.Sprintf("%s (%s)", err.Error(), crd.crd))
		}
	}
	return messages
}
