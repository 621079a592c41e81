// kube-validate checks rendered Kubernetes manifests with the API server's own code:
//
//	kube-validate crs -sources FILE [-min N] MANIFEST...
//	    every custom resource against the OpenAPI schema, the CEL rules and the pruning
//	    (unknown fields) of its CustomResourceDefinition, taken from the pinned Go modules
//	    that FILE lists; a custom resource of a kind no listed CRD defines is an error, and
//	    so is checking fewer than N (default 1) custom resources.
//	kube-validate crd-files -sources FILE
//	    prints the path of each CRD file, for installing them on a cluster.
//	kube-validate pod-security -level restricted -version v1.34 MANIFEST...
//	    every pod and pod template through the upstream Pod Security evaluator.
//	kube-validate argocd-health -script FILE
//	    a Lua health check for argoproj.io/Application, run as Argo CD runs it.
//
// A MANIFEST of "-" is standard input. Exit status 1 with one line per problem.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: kube-validate crs|crd-files|pod-security|argocd-health [flags] ...")
	}
	var err error
	switch os.Args[1] {
	case "crs":
		err = runCustomResources(os.Args[2:])
	case "crd-files":
		err = runCRDFiles(os.Args[2:])
	case "pod-security":
		err = runPodSecurity(os.Args[2:])
	case "argocd-health":
		err = runArgoCDHealth(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (crs, crd-files, pod-security, argocd-health)", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(1)
}

// object is one document of a manifest stream, with where it came from.
type object struct {
	source string
	body   map[string]interface{}
}

func (o object) str(path ...string) string {
	var current interface{} = o.body
	for _, key := range path {
		m, ok := current.(map[string]interface{})
		if !ok {
			return ""
		}
		current = m[key]
	}
	s, _ := current.(string)
	return s
}

func (o object) String() string {
	return fmt.Sprintf("%s %s/%s (%s)", o.str("kind"), o.str("metadata", "namespace"), o.str("metadata", "name"), o.source)
}

func readManifests(paths []string) ([]object, error) {
	if len(paths) == 0 {
		return nil, errors.New("no manifest given")
	}
	var objects []object
	for _, path := range paths {
		var reader io.Reader
		if path == "-" {
			reader = os.Stdin
		} else {
			file, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer file.Close()
			reader = file
		}
		decoder := utilyaml.NewYAMLReader(bufio.NewReader(reader))
		for {
			document, err := decoder.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			// Decoded as the API server decodes a request: integers stay int64.
			asJSON, err := yaml.YAMLToJSON(document)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			var body map[string]interface{}
			if err := utiljson.Unmarshal(asJSON, &body); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			if len(body) == 0 {
				continue
			}
			objects = append(objects, object{source: path, body: body})
		}
	}
	return objects, nil
}

// crdSource is one line of the sources file: a Go module, its version, the hash the Go
// checksum database records for it, and CRD files inside it.
type crdSource struct {
	module, version, sum string
	files                []string
}

func readSources(path string) ([]crdSource, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sources []crdSource
	for number, line := range strings.Split(string(content), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 {
			return nil, fmt.Errorf("%s:%d: want MODULE VERSION H1-SUM FILE..., got %q", path, number+1, line)
		}
		sources = append(sources, crdSource{module: fields[0], version: fields[1], sum: fields[2], files: fields[3:]})
	}
	return sources, nil
}

// moduleDir downloads a module through the Go module proxy (or finds it in the module
// cache) and refuses it unless its hash is the pinned one.
func moduleDir(source crdSource) (string, error) {
	command := exec.Command("go", "mod", "download", "-json", source.module+"@"+source.version)
	command.Stderr = os.Stderr
	output, err := command.Output()
	var info struct{ Dir, Sum, Error string }
	if jsonErr := json.Unmarshal(output, &info); jsonErr != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v %v", source.module, source.version, err, jsonErr)
	}
	if info.Sum != source.sum {
		return "", fmt.Errorf("%s@%s has hash %s, the sources file pins %s", source.module, source.version, info.Sum, source.sum)
	}
	if info.Dir != "" {
		return info.Dir, nil
	}
	// A module whose go.mod asks for a newer Go is downloaded and verified but reported as an
	// error without its directory; only its files are read here, so the extracted copy counts.
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(strings.TrimSpace(string(cache)), source.module+"@"+source.version)
	if _, statErr := os.Stat(dir); statErr != nil {
		return "", fmt.Errorf("go mod download %s@%s: %s", source.module, source.version, info.Error)
	}
	return dir, nil
}

func crdFiles(sourcesPath string) ([]string, error) {
	sources, err := readSources(sourcesPath)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, source := range sources {
		dir, err := moduleDir(source)
		if err != nil {
			return nil, err
		}
		for _, file := range source.files {
			files = append(files, filepath.Join(dir, file))
		}
	}
	return files, nil
}

func runCRDFiles(args []string) error {
	flags := flag.NewFlagSet("crd-files", flag.ExitOnError)
	sources := flags.String("sources", "", "file listing the CRD modules")
	_ = flags.Parse(args)
	files, err := crdFiles(*sources)
	if err != nil {
		return err
	}
	for _, file := range files {
		fmt.Println(file)
	}
	return nil
}

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

// podTemplatePaths says where each workload kind keeps the pod it runs.
var podTemplatePaths = map[string][]string{
	"Deployment":  {"spec", "template"},
	"StatefulSet": {"spec", "template"},
	"DaemonSet":   {"spec", "template"},
	"ReplicaSet":  {"spec", "template"},
	"Job":         {"spec", "template"},
	"Rollout":     {"spec", "template"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template"},
}

func podOf(obj object) (*corev1.PodTemplateSpec, bool, error) {
	kind := obj.str("kind")
	var raw map[string]interface{}
	if kind == "Pod" {
		raw = obj.body
	} else if path, found := podTemplatePaths[kind]; found {
		var current interface{} = obj.body
		for _, key := range path {
			m, _ := current.(map[string]interface{})
			current = m[key]
		}
		raw, _ = current.(map[string]interface{})
		if raw == nil {
			return nil, true, fmt.Errorf("%s has no pod template", obj)
		}
	} else {
		return nil, false, nil
	}
	var template corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(
		map[string]interface{}{"metadata": raw["metadata"], "spec": raw["spec"]}, &template, true); err != nil {
		return nil, true, fmt.Errorf("%s: %w", obj, err)
	}
	return &template, true, nil
}

func runPodSecurity(args []string) error {
	flags := flag.NewFlagSet("pod-security", flag.ExitOnError)
	levelName := flags.String("level", "restricted", "Pod Security level: privileged, baseline or restricted")
	versionName := flags.String("version", "latest", "policy version, e.g. v1.34")
	_ = flags.Parse(args)
	level, err := psapi.ParseLevel(*levelName)
	if err != nil {
		return err
	}
	version, err := psapi.ParseVersion(*versionName)
	if err != nil {
		return err
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		return err
	}
	objects, err := readManifests(flags.Args())
	if err != nil {
		return err
	}
	var problems []string
	evaluated := 0
	for _, obj := range objects {
		template, isWorkload, err := podOf(obj)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if !isWorkload {
			continue
		}
		evaluated++
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(
			psapi.LevelVersion{Level: level, Version: version}, &template.ObjectMeta, &template.Spec))
		if !result.Allowed {
			problems = append(problems, fmt.Sprintf("%s: violates PodSecurity %q: %s (%s)",
				obj, psapi.LevelVersion{Level: level, Version: version}, result.ForbiddenReason(), result.ForbiddenDetail()))
		}
	}
	if evaluated == 0 {
		problems = append(problems, "no pod or pod template in the input")
	}
	return report(problems, fmt.Sprintf("%d pods admitted at %s:%s", evaluated, level, version))
}

func report(problems []string, success string) error {
	if len(problems) == 0 {
		fmt.Println(success)
		return nil
	}
	sort.Strings(problems)
	var message bytes.Buffer
	for _, problem := range problems {
		message.WriteString(problem + "\n")
	}
	return errors.New(strings.TrimSuffix(message.String(), "\n"))
}
