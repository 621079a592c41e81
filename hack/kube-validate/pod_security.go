package main

import (
	"flag"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	psapi "k8s.io/pod-security-admission/api"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/pod-security-admission/policy"
)

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
