package main

import (
	"strings"
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// A CRD with a required field, an enum, a CEL rule and no unknown fields preserved.
const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [size]
              x-kubernetes-validations:
                - rule: self.min <= self.max
                  message: min must not exceed max
              properties:
                size: {type: string, enum: [small, large]}
                min: {type: integer}
                max: {type: integer}
`

func TestValidateCustomResource(t *testing.T) {
	crds, err := loadCRDs([]string{writeFile(t, "widgets.yaml", widgetCRD)})
	if err != nil {
		t.Fatal(err)
	}
	crd, found := crds["example.com/v1/Widget"]
	if !found {
		t.Fatalf("no example.com/v1/Widget in %v", crds)
	}
	cases := []struct {
		name string
		spec string
		want []string // each problem must contain one of these, in order
	}{
		{name: "valid", spec: "size: small\nmin: 1\nmax: 2"},
		{name: "an unknown field", spec: "size: small\nmin: 1\nmax: 2\ncolour: red", want: []string{`unknown field "spec.colour"`}},
		{name: "a value outside the enum", spec: "size: huge\nmin: 1\nmax: 2", want: []string{`spec.size: Unsupported value: "huge"`}},
		{name: "a missing required field", spec: "min: 1\nmax: 2", want: []string{"spec.size: Required value"}},
		{name: "a broken CEL rule", spec: "size: large\nmin: 3\nmax: 2", want: []string{"min must not exceed max"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// As readManifests decodes: integers stay int64, as the API server has them.
			specJSON, err := yaml.YAMLToJSON([]byte(c.spec))
			if err != nil {
				t.Fatal(err)
			}
			var spec map[string]interface{}
			if err := utiljson.Unmarshal(specJSON, &spec); err != nil {
				t.Fatal(err)
			}
			body := map[string]interface{}{
				"apiVersion": "example.com/v1",
				"kind":       "Widget",
				"metadata":   map[string]interface{}{"name": "w"},
				"spec":       spec,
			}
			got := validateCustomResource(body, crd)
			if len(got) != len(c.want) {
				t.Fatalf("problems %q, want %d like %q", got, len(c.want), c.want)
			}
			for i, want := range c.want {
				if !strings.Contains(got[i], want) || !strings.Contains(got[i], "(widgets.yaml)") {
					t.Errorf("problem %q, want it to contain %q and name the CRD file", got[i], want)
				}
			}
		})
	}
}

func TestBuiltinGroup(t *testing.T) {
	cases := []struct {
		apiVersion string
		want       bool
	}{
		{"v1", true},
		{"apps/v1", true},
		{"networking.k8s.io/v1", true},
		{"autoscaling.k8s.io/v1", true},
		{"kyverno.io/v1", false},
		{"argoproj.io/v1alpha1", false},
		{"monitoring.coreos.com/v1", false},
	}
	for _, c := range cases {
		if got := builtinGroup(c.apiVersion); got != c.want {
			t.Errorf("builtinGroup(%q) = %v, want %v", c.apiVersion, got, c.want)
		}
	}
}
