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
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
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

// report returns the problems as one error, sorted, or prints success when there are none.
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
