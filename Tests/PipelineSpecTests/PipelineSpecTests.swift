// PipelineSpecTests.
