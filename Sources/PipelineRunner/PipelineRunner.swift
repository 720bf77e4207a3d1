// PipelineRunner module.
