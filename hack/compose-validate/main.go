// compose-validate loads compose files the way Docker Compose does (compose-go: the
// Compose Specification schema, interpolation with the given environment file, merging of
// overlays) and fails with the loader's message when they are not valid.
//
//	compose-validate -env-file .env.example docker-compose.yml [overlay.yml ...]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	envFile := flag.String("env-file", "", "environment file used for interpolation")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-validate [-env-file FILE] COMPOSE_FILE...")
		os.Exit(2)
	}
	options := []cli.ProjectOptionsFn{cli.WithOsEnv, cli.WithResolvedPaths(false)}
	if *envFile != "" {
		options = append(options, cli.WithEnvFiles(*envFile), cli.WithDotEnv)
	}
	projectOptions, err := cli.NewProjectOptions(flag.Args(), options...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := cli.ProjectFromOptions(context.Background(), projectOptions)
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("valid: project %q with services %v\n", project.Name, project.ServiceNames())
}
